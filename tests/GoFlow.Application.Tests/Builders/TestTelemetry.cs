using System.Diagnostics.Metrics;
using GoFlow.Application.Telemetry;

namespace GoFlow.Application.Tests.Builders;

/// <summary>Engine telemetry on meters of its own, so that one test's measurements never reach another's.</summary>
internal sealed class TestTelemetry : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public TestTelemetry() => Engine = new EngineTelemetry(this);

    public EngineTelemetry Engine { get; }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(meter => meter.Dispose());
}
