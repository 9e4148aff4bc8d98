using System.Globalization;
using GoFlow.Benchmarks;
using GoFlow.Benchmarks.Report;

// The report's numbers read the same whatever the machine's locale.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The dashboard's reads on a large store: a mode of its own (GoFlow.Benchmarks/Measurements/DashboardMeasurement.cs).
if (args is ["dashboard", .. var dashboardArgs])
{
    return await GoFlow.Benchmarks.Measurements.DashboardMeasurement.RunFromCommandLineAsync(dashboardArgs, Console.Out, CancellationToken.None);
}

// What waiting workflows cost an idle worker host: a mode of its own (GoFlow.Benchmarks/Measurements/IdleCpuMeasurement.cs).
if (args is ["idle-cpu", .. var idleCpuArgs])
{
    return await GoFlow.Benchmarks.Measurements.IdleCpuMeasurement.RunFromCommandLineAsync(idleCpuArgs, Console.Out, CancellationToken.None);
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    await Console.Error.WriteLineAsync(BenchmarkOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    press.Cancel = true;
    cancellation.Cancel();
};

var result = await new Benchmark(options, TimeProvider.System, Console.Out).RunAsync(cancellation.Token);
var report = MarkdownReport.Build(result);
Console.WriteLine();
Console.WriteLine(report);
if (options.MarkdownPath is not null)
{
    await File.WriteAllTextAsync(options.MarkdownPath, report);
}

return result.Failures.Count == 0 ? 0 : 1;
