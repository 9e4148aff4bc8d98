using System.Text.RegularExpressions;
using Dapper;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The statements built per batch leave nothing in Dapper's statement cache, whatever the batch's size and mix: cached,
/// each distinct text stayed for the life of the process (issue 16's memory growth).
/// </summary>
internal sealed partial class BatchStatementTests : MySqlDatabaseFixture
{
    [Test]
    public async Task BatchStatements_OfSeveralSizesAndMixes_LeaveNoEntryInDapperCache()
    {
        var twoSteps = new WorkflowBuilder().WithTasks("First", "Second");
        var oneStep = new WorkflowBuilder().Named("Single").WithTasks("Only");
        await Storage.Repository.CreateManyAsync([New(twoSteps), New(twoSteps), New(oneStep)], CancellationToken.None);
        await oneStep.CreateAsync(Storage.Repository);
        var claimed = await Storage.Queue.ClaimAsync(new ClaimBuilder().At(TestTimes.Start.AddSeconds(1)).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(4), "the test's own setup");
        var now = TestTimes.Start.AddSeconds(2);
        await Storage.Queue.RenewLeasesAsync(
            new LeaseRenewal(claimed[0].LeaseOwner, [.. claimed.Select(task => new TaskClaim(task.Id, task.Attempt))], now + TestTimes.Lease, now),
            CancellationToken.None);

        var recorded = await Storage.Queue.CompleteAsync(
            [.. claimed.Select(task => new TaskCompletion(
                task,
                "{}",
                StepAdvance.After(
                    task.TaskName == "First" ? twoSteps.Definition.StepAfter(0) : null, handOver: false, task.LeaseOwner, TestTimes.Lease)))],
            now,
            CancellationToken.None);

        Assert.That(recorded, Has.Count.EqualTo(4), "the test's own setup");
        Assert.That(CachedBatchStatements(), Is.Empty);
    }

    [Test]
    public async Task RetentionSweep_DeletingFinishedWorkflows_LeavesNoEntryInDapperCache()
    {
        var oneStep = new WorkflowBuilder().Named("Single").WithTasks("Only");
        await Storage.Repository.CreateManyAsync([New(oneStep), New(oneStep)], CancellationToken.None);
        var claimed = await Storage.Queue.ClaimAsync(new ClaimBuilder().At(TestTimes.Start.AddSeconds(1)).Build(), CancellationToken.None);
        var now = TestTimes.Start.AddSeconds(2);
        await Storage.Queue.CompleteAsync(
            [.. claimed.Select(task => new TaskCompletion(task, "{}", Advance: null))], now, CancellationToken.None);

        var deleted = await Storage.Retention.DeleteFinishedAsync(now.AddDays(1), 10, CancellationToken.None);

        Assert.That(deleted, Is.GreaterThanOrEqualTo(2), "the test's own setup");
        Assert.That(CachedBatchStatements(), Is.Empty);
    }

    private static IEnumerable<string> CachedBatchStatements() =>
        SqlMapper.GetCachedSQL().Select(entry => entry.Item2).Where(sql => FirstRowParameter().IsMatch(sql));

    private static NewWorkflow New(WorkflowBuilder builder)
    {
        var (workflow, firstTask) = builder.Build();
        return new NewWorkflow(workflow, firstTask);
    }

    /// <summary>
    /// A parameter of the first row of a batch statement: a start's, a claim's activity row, a completion, a renewal, a
    /// retention sweep's deletes.
    /// </summary>
    [GeneratedRegex(@"@(TaskStepIndex|LogWorkflowId|Output|Attempt|ActivityId|WorkflowId)0\b")]
    private static partial Regex FirstRowParameter();
}
