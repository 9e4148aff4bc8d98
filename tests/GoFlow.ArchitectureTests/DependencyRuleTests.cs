using System.Text.RegularExpressions;
using GoFlow.ArchitectureTests.Support;

namespace GoFlow.ArchitectureTests;

/// <summary>The dependency table holds in the project files and in the compiled assemblies.</summary>
public sealed partial class DependencyRuleTests
{
    [TestCaseSource(typeof(DependencyRules), nameof(DependencyRules.Projects))]
    public void ProjectFile_References_AreAllowedByTheTable(string project)
    {
        var rule = DependencyRules.For(project);

        var references = ProjectFile.ReadReferences(RepositoryRoot.Path, project);

        Assert.That(ReferenceChecker.FindViolations(rule, references), Is.Empty);
    }

    [TestCaseSource(typeof(DependencyRules), nameof(DependencyRules.Projects))]
    public void CompiledAssembly_References_AreAllowedByTheTable(string project)
    {
        var rule = DependencyRules.For(project);
        Assert.That(rule.Assembly.GetName().Name, Is.EqualTo(project), "the table's marker type lives in another assembly");

        var references = CompiledReferences.Read(rule.Assembly);

        Assert.That(ReferenceChecker.FindViolations(rule, references), Is.Empty);
    }

    [Test]
    public void Table_ComparedWithSolution_CoversEveryProductionProject()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "GoFlow.sln"));
        var productionProjects = SolutionProject().Matches(solution)
            .Where(match => !match.Groups["path"].Value.StartsWith("tests", StringComparison.Ordinal))
            .Select(match => match.Groups["name"].Value);

        Assert.That(
            DependencyRules.All.Select(rule => rule.Project),
            Is.EquivalentTo(productionProjects),
            "every production project in GoFlow.sln needs a row in DependencyRules, and every row a project");
    }

    [GeneratedRegex("""^Project\("\{[^}]+\}"\)\s*=\s*"(?<name>[^"]+)",\s*"(?<path>[^"]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
