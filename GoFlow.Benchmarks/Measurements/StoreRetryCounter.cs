using System.Diagnostics.Metrics;
using GoFlow.Ports.Driven;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Counts the store transactions run again after a transient conflict (<see cref="TransientConflictRetry"/>) in this
/// process, where the benchmark's engine runs: a report states how many writes a figure needed twice.
/// </summary>
internal sealed class StoreRetryCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public StoreRetryCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TransientConflictRetry.MeterName && instrument.Name == TransientConflictRetry.RetriesInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
