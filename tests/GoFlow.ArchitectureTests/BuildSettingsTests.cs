using System.Diagnostics;
using System.Text.Json;
using GoFlow.ArchitectureTests.Support;

namespace GoFlow.ArchitectureTests;

/// <summary>
/// Nullable and warnings-as-errors hold in every project, as MSBuild evaluates it: a project that turned either
/// off, in its .csproj or in a Directory.Build.props of its own, fails here.
/// </summary>
public sealed class BuildSettingsTests
{
    private static readonly TimeSpan EvaluationDeadline = TimeSpan.FromSeconds(120);

    public static IEnumerable<TestCaseData> AllProjects() =>
        Directory.EnumerateFiles(RepositoryRoot.Path, "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryRoot.Path, path))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileNameWithoutExtension(path)));

    [TestCaseSource(nameof(AllProjects))]
    public void Evaluate_Project_HasNullableAndWarningsAsErrors(string projectPath)
    {
        var properties = Evaluate(projectPath, "Nullable", "TreatWarningsAsErrors", "WarningsNotAsErrors");

        Assert.Multiple(() =>
        {
            Assert.That(properties["Nullable"], Is.EqualTo("enable"));
            Assert.That(properties["TreatWarningsAsErrors"], Is.EqualTo("true").IgnoreCase);
            Assert.That(properties["WarningsNotAsErrors"], Is.Empty, "no per-project exceptions to warnings as errors");
        });
    }

    [Test]
    public void Sources_ProductionAndTestCode_NeverDisableNullable()
    {
        var offenders = Directory.EnumerateFiles(RepositoryRoot.Path, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(path => File.ReadLines(path).Any(line => line.TrimStart().StartsWith("#nullable disable", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(RepositoryRoot.Path, path));

        Assert.That(offenders, Is.Empty);
    }

    private static Dictionary<string, string> Evaluate(string projectPath, params string[] propertyNames)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(projectPath);
        start.ArgumentList.Add("-nologo");
        foreach (var name in propertyNames)
        {
            start.ArgumentList.Add($"-getProperty:{name}");
        }

        // The test host inherits the settings of the MSBuild that launched it; the evaluation must find its own.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet msbuild did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(EvaluationDeadline))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet msbuild {projectPath} did not finish within {EvaluationDeadline}.");
        }

        Assert.That(process.ExitCode, Is.Zero, $"dotnet msbuild {projectPath} failed: {output.Result}{error.Result}");

        using var json = JsonDocument.Parse(output.Result);
        return json.RootElement.GetProperty("Properties").EnumerateObject()
            .ToDictionary(property => property.Name, property => property.Value.GetString() ?? string.Empty);
    }
}
