using System.Globalization;
using GoFlow.Benchmarks.Raw;
using GoFlow.Worker;

namespace GoFlow.Benchmarks;

/// <summary>
/// The benchmark's command line, <c>--name value</c> pairs; <see cref="Usage"/> lists them. Durations are in seconds.
/// </summary>
public sealed record BenchmarkOptions
{
    public const string Usage = """
        GoFlow.Benchmarks [--name value]...
          --mysql "<connection string with Database=>"   MySQL/MariaDB (default: SQLite in a temp file)
          --sqlite <file>               SQLite in this file, kept afterwards (its history grows run after run)
          --only <parts>                comma-separated: throughput,drain,latency,raw,http,memory,growth (default: all)
          --workflows <N>               workflows of the throughput, drain and growth runs (default 20000)
          --steps <M>                   no-op steps per workflow (default 3)
          --batch <B>                   Worker:BatchSize of the engine (default: the engine's default)
          --concurrency <C>             Worker:MaxConcurrency of the engine (default: the engine's default)
          --poll-interval <seconds>     Worker:PollInterval (default 0.01)
          --starters <S>                concurrent starters of the throughput and half-load runs (default 8)
          --idle-samples <K>            workflows run one at a time for the idle latency (default 200)
          --half-load-seconds <s>       how long workflows are started at half the throughput (default 10)
          --half-load-rate <w/s>        workflows/s of the half-load run (default: half of the throughput measured)
          --http-clients <C>            concurrent keep-alive clients (default 32)
          --http-seconds <s>            measured seconds of POST /workflows (default 10, after 2 s of warm-up)
          --http-roles <roles>          GoFlow:Roles of the host under HTTP load (default Api,Worker)
          --memory-workflows <N>        PENDING workflows queued for the memory figure (default 100000)
          --raw-batch <T>               tasks per transaction of the raw replay (default: the engine's batch)
          --raw-connections <C>         connections of the raw replay (default 4)
          --raw-modes <modes>           pending (next step inserted PENDING, claimed again) and/or handover (inserted
                                        RUNNING and run at once), each at --raw-batch (default pending,handover);
                                        a pending run at 1 task per transaction always follows
          --seed-finished <N>           finished tasks seeded before the growth run (default 1000000)
          --retention <seconds>         turns the engine's retention sweep on (Retention:MaxAge) in the in-process
                                        engine; the growth seeds its finished tasks a day older than that and runs
                                        again with the sweep deleting them (default: the sweep off); must be longer
                                        than --timeout-minutes, so that no run's own workflows age out before they are read
          --retention-batch <N>         Retention:BatchSize of that sweep, workflows per transaction (default: the engine's)
          --host-dll <path>             GoFlow.Host.dll to start (default: the repository's Release build)
          --host-env "A=1;B=2"          extra environment variables for the host (e.g. Worker__BatchSize=200)
          --repeat <R>                  runs of each engine figure (throughput, drain), reported as median and spread (default 3)
          --timeout-minutes <m>         longest a single run may take before it counts as failed (default 30)
          --markdown <file>             also write the report there
        """;

    public string? MySqlConnectionString { get; init; }

    public string? SqlitePath { get; init; }

    public IReadOnlySet<BenchmarkPart> Parts { get; init; } = new HashSet<BenchmarkPart>(Enum.GetValues<BenchmarkPart>());

    public int Workflows { get; init; } = 20_000;

    public int Steps { get; init; } = 3;

    /// <summary>Worker:BatchSize; null leaves the engine's default.</summary>
    public int? Batch { get; init; }

    /// <summary>Worker:MaxConcurrency; null leaves the engine's default.</summary>
    public int? Concurrency { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    public int Starters { get; init; } = 8;

    public int IdleSamples { get; init; } = 200;

    public TimeSpan HalfLoadDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Workflows per second of the half-load run; null takes half of the measured throughput.</summary>
    public double? HalfLoadRate { get; init; }

    public int HttpClients { get; init; } = 32;

    public TimeSpan HttpDuration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan HttpWarmUp { get; init; } = TimeSpan.FromSeconds(2);

    public string HttpRoles { get; init; } = "Api,Worker";

    public int MemoryWorkflows { get; init; } = 100_000;

    /// <summary>Tasks per transaction of the raw replay; null takes <see cref="EngineBatch"/>.</summary>
    public int? RawBatch { get; init; }

    public int RawConnections { get; init; } = 4;

    /// <summary>How the raw replay's completions leave the next step; each mode is run at <see cref="EffectiveRawBatch"/>.</summary>
    internal IReadOnlyList<RawReplayMode> RawModes { get; init; } = [RawReplayMode.Pending, RawReplayMode.HandOver];

    public long SeedFinished { get; init; } = 1_000_000;

    /// <summary>
    /// Retention:MaxAge of the in-process engine, whose retention sweep is on when this is set and off when it is null
    /// (the default). Longer than <see cref="Timeout"/>: the sweep must never delete a run's workflows before they are read.
    /// </summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Retention:BatchSize of the in-process engine's sweep; null leaves the engine's default.</summary>
    public int? RetentionBatch { get; init; }

    public string? HostDll { get; init; }

    /// <summary>Extra environment variables for GoFlow.Host child processes, set last.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How many times the throughput and the drain run; the report gives their median and spread. Default 3.</summary>
    public int Repeat { get; init; } = 3;

    public string? MarkdownPath { get; init; }

    /// <summary>The batch the engine claims with: <see cref="Batch"/>, or the worker's default.</summary>
    public int EngineBatch => Batch ?? new WorkerOptions().BatchSize;

    /// <summary>The tasks the engine runs at once: <see cref="Concurrency"/>, or the worker's default.</summary>
    public int EngineConcurrency => Concurrency ?? new WorkerOptions().MaxConcurrency;

    public int EffectiveRawBatch => RawBatch ?? EngineBatch;

    public bool Runs(BenchmarkPart part) => Parts.Contains(part);

    /// <exception cref="ArgumentException">An unknown option, a missing value or a value out of range.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        var reader = new OptionReader(values);
        var defaults = new BenchmarkOptions();
        var options = new BenchmarkOptions
        {
            MySqlConnectionString = reader.Text("mysql"),
            SqlitePath = reader.Text("sqlite"),
            Parts = reader.Parts("only") ?? defaults.Parts,
            Workflows = reader.Int("workflows", 1) ?? defaults.Workflows,
            Steps = reader.Int("steps", 1) ?? defaults.Steps,
            Batch = reader.Int("batch", 1),
            Concurrency = reader.Int("concurrency", 1),
            PollInterval = reader.Seconds("poll-interval") ?? defaults.PollInterval,
            Starters = reader.Int("starters", 1) ?? defaults.Starters,
            IdleSamples = reader.Int("idle-samples", 1) ?? defaults.IdleSamples,
            HalfLoadDuration = reader.Seconds("half-load-seconds") ?? defaults.HalfLoadDuration,
            HalfLoadRate = reader.Double("half-load-rate"),
            HttpClients = reader.Int("http-clients", 1) ?? defaults.HttpClients,
            HttpDuration = reader.Seconds("http-seconds") ?? defaults.HttpDuration,
            HttpRoles = reader.Text("http-roles") ?? defaults.HttpRoles,
            MemoryWorkflows = reader.Int("memory-workflows", 1) ?? defaults.MemoryWorkflows,
            RawBatch = reader.Int("raw-batch", 1),
            RawConnections = reader.Int("raw-connections", 1) ?? defaults.RawConnections,
            RawModes = reader.RawModes("raw-modes") ?? defaults.RawModes,
            SeedFinished = reader.Long("seed-finished", 0) ?? defaults.SeedFinished,
            Retention = reader.Seconds("retention"),
            RetentionBatch = reader.Int("retention-batch", 1),
            HostDll = reader.Text("host-dll"),
            HostEnvironment = reader.Pairs("host-env") ?? defaults.HostEnvironment,
            Timeout = reader.Double("timeout-minutes") is { } minutes ? TimeSpan.FromMinutes(minutes) : defaults.Timeout,
            Repeat = reader.Int("repeat", 1) ?? defaults.Repeat,
            MarkdownPath = reader.Text("markdown"),
        };

        reader.ThrowOnUnknown();
        if (options.MySqlConnectionString is not null && options.SqlitePath is not null)
        {
            throw new ArgumentException("--mysql and --sqlite pick different stores; give one.");
        }

        if (options.RetentionBatch is not null && options.Retention is null)
        {
            throw new ArgumentException("--retention-batch sizes the retention sweep, which only --retention turns on.");
        }

        if (options.Retention <= options.Timeout)
        {
            throw new ArgumentException(
                $"--retention must be longer than --timeout-minutes ({options.Timeout.TotalSeconds:F0} s), or the sweep could delete a run's workflows before they are read.");
        }

        return options;
    }

    /// <summary>The options as a command line, for the report: what to type to run the same again.</summary>
    public string Describe()
    {
        var parts = new List<string>
        {
            MySqlConnectionString is null ? SqlitePath is null ? "SQLite (temp file)" : $"--sqlite {SqlitePath}" : "--mysql \"...\"",
            $"--only {string.Join(',', Parts.Order().Select(part => part.ToString().ToLowerInvariant()))}",
            $"--workflows {Workflows}",
            $"--steps {Steps}",
            Batch is null ? $"batch {EngineBatch} (engine default)" : $"--batch {Batch}",
            Concurrency is null ? $"concurrency {EngineConcurrency} (engine default)" : $"--concurrency {Concurrency}",
            string.Create(CultureInfo.InvariantCulture, $"--poll-interval {PollInterval.TotalSeconds}"),
            $"--starters {Starters}",
            $"--repeat {Repeat}",
        };
        if (Runs(BenchmarkPart.Latency))
        {
            parts.Add($"--idle-samples {IdleSamples}");
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"--half-load-seconds {HalfLoadDuration.TotalSeconds}"));
            if (HalfLoadRate is { } rate)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"--half-load-rate {rate}"));
            }
        }

        if (Runs(BenchmarkPart.Http))
        {
            parts.Add($"--http-clients {HttpClients}");
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"--http-seconds {HttpDuration.TotalSeconds}"));
            parts.Add($"--http-roles {HttpRoles}");
        }

        if (Runs(BenchmarkPart.Memory))
        {
            parts.Add($"--memory-workflows {MemoryWorkflows}");
        }

        if ((Runs(BenchmarkPart.Http) || Runs(BenchmarkPart.Memory)) && HostEnvironment.Count > 0)
        {
            parts.Add($"--host-env \"{string.Join(';', HostEnvironment.Select(pair => $"{pair.Key}={pair.Value}"))}\"");
        }

        if (Runs(BenchmarkPart.Raw))
        {
            parts.Add($"--raw-batch {EffectiveRawBatch}");
            parts.Add($"--raw-connections {RawConnections}");
            parts.Add($"--raw-modes {string.Join(',', RawModes.Select(mode => mode.ToString().ToLowerInvariant()))}");
        }

        if (Runs(BenchmarkPart.Growth))
        {
            parts.Add($"--seed-finished {SeedFinished}");
            parts.Add(Retention is { } retention
                ? string.Create(CultureInfo.InvariantCulture, $"--retention {retention.TotalSeconds}")
                : "retention sweep off");
            if (RetentionBatch is { } retentionBatch)
            {
                parts.Add($"--retention-batch {retentionBatch}");
            }
        }

        return string.Join(' ', parts);
    }
}
