using System.Globalization;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// How a fuzz test runs. In the test command: a fixed seed, the same requests every run. With
/// <see cref="LongVariable"/>=1: ten times as many requests from a random seed, printed so a failure can be replayed
/// with <see cref="SeedVariable"/>=&lt;seed&gt; (which also replays a fixed-length run).
/// </summary>
internal sealed record FuzzRun(int Seed, int Scale)
{
    public const string SeedVariable = "GOFLOW_FUZZ_SEED";
    public const string LongVariable = "GOFLOW_FUZZ_LONG";

    /// <summary>The seed of the test command's runs.</summary>
    public const int FixedSeed = 18;

    private const int LongScale = 10;

    public static FuzzRun Choose(string fixture)
    {
        var isLong = Environment.GetEnvironmentVariable(LongVariable) == "1";
        var fromEnvironment = Environment.GetEnvironmentVariable(SeedVariable);
        var seed = !string.IsNullOrEmpty(fromEnvironment)
            ? int.Parse(fromEnvironment, CultureInfo.InvariantCulture)
            : isLong ? Random.Shared.Next() : FixedSeed;
        var run = new FuzzRun(seed, isLong ? LongScale : 1);
        TestContext.Progress.WriteLine(
            $"{fixture}: seed {seed}, scale {run.Scale}; replay with {SeedVariable}={seed}" + (isLong ? $" {LongVariable}=1" : string.Empty));
        return run;
    }
}
