using System.Text.RegularExpressions;
using GoFlow.Domain.Transitions;

namespace GoFlow.Domain.Tests;

/// <summary>
/// docs/state-machine.md draws the transition table: every arrow of its two diagrams is a transition of the table,
/// labelled with its name, and every transition of the table is drawn, so the drawing cannot drift from the code.
/// </summary>
public sealed partial class StateMachineDocumentTests
{
    [Test]
    public void WorkflowDiagram_Arrows_AreTheWorkflowTransitions()
    {
        var expected = WorkflowTransitions.All.SelectMany(transition => Arrows(
            transition.Name, transition.From.Select(status => status.ToName()), transition.To.ToName()));

        Assert.That(DrawnArrows("Workflow instance"), Is.EquivalentTo(expected));
    }

    [Test]
    public void TaskDiagram_Arrows_AreTheTaskTransitions()
    {
        var expected = TaskTransitions.All.SelectMany(transition => Arrows(
            transition.Name, transition.From.Select(status => status.ToName()), transition.To.ToName()));

        Assert.That(DrawnArrows("Task"), Is.EquivalentTo(expected));
    }

    [Test]
    public void DrawnArrows_ADiagramWithAnArrowTooMany_DiffersFromTheTable()
    {
        var drawn = Parse("""
            ```mermaid
            stateDiagram-v2
                [*] --> PENDING: create
                PENDING --> RUNNING: start
                COMPLETED --> RUNNING: start
            ```
            """);

        Assert.That(drawn, Is.Not.EquivalentTo(Arrows("create", [], "PENDING").Concat(Arrows("start", ["PENDING"], "RUNNING"))));
    }

    private static IEnumerable<string> Arrows(string name, IEnumerable<string> from, string to)
    {
        var starts = from.ToList();
        return starts.Count == 0 ? [$"[*] --> {to}: {name}"] : starts.Select(status => $"{status} --> {to}: {name}");
    }

    /// <summary>The arrows of the diagram under the heading <paramref name="section"/>, those to the end ([*]) left out.</summary>
    private static List<string> DrawnArrows(string section)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "state-machine.md"));
        var start = text.IndexOf($"\n## {section}\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"docs/state-machine.md has no section '{section}'");
        return Parse(text[start..]);
    }

    private static List<string> Parse(string markdown)
    {
        var diagram = DiagramPattern().Match(markdown);
        Assert.That(diagram.Success, Is.True, "no mermaid diagram");
        return [.. ArrowPattern().Matches(diagram.Groups[1].Value)
            .Where(arrow => arrow.Groups[2].Value != "[*]")
            .Select(arrow => $"{arrow.Groups[1].Value} --> {arrow.Groups[2].Value}: {arrow.Groups[3].Value.Trim()}")];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GoFlow.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"```mermaid\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DiagramPattern();

    [GeneratedRegex(@"^\s*(\S+) --> (\S+?)(?::\s*(.*))?$", RegexOptions.Multiline)]
    private static partial Regex ArrowPattern();
}
