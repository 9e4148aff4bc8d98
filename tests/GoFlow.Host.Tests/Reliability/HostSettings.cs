using System.Globalization;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// The configuration one <see cref="HostProcess"/> gets, all through environment variables (<c>Section__Key</c>), as a
/// container would give it. The defaults are the short timings the reliability tests need: a crashed worker's tasks
/// come back within seconds, not the production default of minutes.
/// </summary>
internal sealed record HostSettings(string ConnectionString, string Roles, string WorkerId)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Short, because the API runs in another process: nothing wakes a worker there but its own poll.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public int BatchSize { get; init; } = 10;

    public int MaxConcurrency { get; init; } = 10;

    /// <summary>More settings, as environment variables (<c>Section__Key</c>), added after the ones above.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>A host with the API only: it creates workflows and runs none.</summary>
    public static HostSettings Api(string connectionString) => new(connectionString, "Api", "api-only");

    /// <summary>A worker-only host claiming under <paramref name="workerId"/> (its lease owner name).</summary>
    public static HostSettings Worker(string connectionString, string workerId) => new(connectionString, "Worker", workerId);

    public IReadOnlyDictionary<string, string> ToEnvironment(int port)
    {
        var environment = BaseEnvironment(port);
        foreach (var (name, value) in Extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    private Dictionary<string, string> BaseEnvironment(int port) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        // The worker's start, stop, recovery and release lines, so a failure's log tells what the worker did.
        ["Logging__LogLevel__GoFlow.Worker"] = "Information",
        ["MySql__ConnectionString"] = ConnectionString,
        ["Server__Host"] = "127.0.0.1",
        ["Server__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["GoFlow__Roles"] = Roles,
        ["Worker__WorkerId"] = WorkerId,
        ["Worker__LeaseDuration"] = Format(LeaseDuration),
        ["Worker__HeartbeatInterval"] = Format(HeartbeatInterval),
        ["Worker__RecoveryInterval"] = Format(RecoveryInterval),
        ["Worker__PollInterval"] = Format(PollInterval),
        ["Worker__ErrorBackoff"] = Format(ErrorBackoff),
        ["Worker__BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["Worker__MaxConcurrency"] = MaxConcurrency.ToString(CultureInfo.InvariantCulture),
    };

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
