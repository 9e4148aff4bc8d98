using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// The operator's changes under concurrency, all participants started together
/// (<see cref="StorageContract.RunTogetherAsync{T}"/>): duplicate idempotent starts create one workflow; a cancel racing
/// the completion of the running task, or a retry, wins or loses as a whole; concurrent cancels, retries and retention
/// sweeps change each workflow once; a retry racing the sweep either keeps its workflow or finds it gone.
/// Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowOperationsConcurrencyContract : StorageContract
{
    private const string Fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddMinutes(1);
    private static readonly DateTimeOffset ChangedAt = TestTimes.Start.AddMinutes(2);

    [Test]
    [CancelAfter(120_000)]
    public async Task CreateOnceAsync_FiftyConcurrentRequestsWithOneKey_CreateExactlyOneWorkflow(CancellationToken cancellationToken)
    {
        const int requestCount = 50;
        var requests = Enumerable.Range(0, requestCount)
            .Select(i => new WorkflowBuilder().CreatedAt(TestTimes.Start.AddTicks(i * 10)).Build())
            .ToList();

        var results = await RunTogetherAsync(requestCount, index => Repository.CreateOnceAsync(
            requests[index].Workflow, requests[index].FirstTask, new IdempotencyKey("order-A-1", Fingerprint), cancellationToken));

        var created = Enumerable.Range(0, requestCount).Where(index => results[index] is IdempotentCreateResult.Created).ToList();
        Assert.That(created, Has.Count.EqualTo(1), "exactly one request stored its workflow");
        var winner = requests[created[0]].Workflow.Id;
        var stored = await Repository.ListAsync(new WorkflowListQuery(null, null, null, null, 500, null), cancellationToken);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.OfType<IdempotentCreateResult.KeyTaken>().Select(taken => (taken.Existing.Id, taken.RequestFingerprint)),
                Is.All.EqualTo((winner, Fingerprint)), "every other request was answered with the winner");
            Assert.That(stored.Workflows.Select(workflow => workflow.Id), Is.EqualTo(new[] { winner }), "one workflow in the store");
            Assert.That((await FindAsync(winner)).Tasks, Has.Count.EqualTo(1));
            Assert.That(await ActionsOfAsync(winner), Is.EqualTo(new[] { ActivityAction.WorkflowCreated }));
            Assert.That(await Queue.ClaimAsync(new ClaimBuilder().UpTo(100).At(ClaimedAt).Build(), cancellationToken), Has.Count.EqualTo(1),
                "one task to run");
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CancelAsync_RacingTheCompletionOfTheRunningTask_ExactlyOneWinsAndTheStateIsConsistent(
        CancellationToken cancellationToken)
    {
        // Half the workflows have one step (the completion finishes the workflow), half have three (it queues the next).
        const int workflowCount = 40;
        var single = new WorkflowBuilder().Named("Single").WithTasks("Only");
        var threeSteps = new WorkflowBuilder();
        var builders = new Dictionary<WorkflowId, WorkflowBuilder>();
        for (var i = 0; i < workflowCount; i++)
        {
            var builder = i % 2 == 0 ? single : threeSteps;
            builders[(await builder.CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository)).Id] = builder;
        }

        var claimed = await Queue.ClaimAsync(new ClaimBuilder().UpTo(workflowCount).At(ClaimedAt).Build(), cancellationToken);
        Assert.That(claimed, Has.Count.EqualTo(workflowCount));

        // Two participants per workflow, its task's holder completing it and an operator cancelling it.
        var outcomes = await RunTogetherAsync(workflowCount * 2, async index =>
        {
            var task = claimed[index / 2];
            return index % 2 == 0
                ? (Completed: await CompleteOneAsync(
                    task, """{"done":true}""", builders[task.WorkflowId].Definition.StepAfter(0), ChangedAt, cancellationToken),
                    Cancel: (WorkflowChangeResult?)null)
                : (Completed: false, Cancel: await Repository.CancelAsync(task.WorkflowId, ChangedAt, cancellationToken));
        });

        var completedCount = 0;
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < workflowCount; i++)
            {
                var task = claimed[i];
                var completed = outcomes[i * 2].Completed;
                var cancel = outcomes[(i * 2) + 1].Cancel!;
                var details = await FindAsync(task.WorkflowId);
                var actions = await ActionsOfAsync(task.WorkflowId);
                var isLastStep = builders[task.WorkflowId] == single;
                var what = $"workflow {i} ({(isLastStep ? "one step" : "three steps")}): completion {completed}, cancel {cancel}";
                completedCount += completed ? 1 : 0;

                if (completed && isLastStep)
                {
                    // The completion came first and finished the workflow; the cancel found it finished.
                    Assert.That(cancel, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Completed)), what);
                    Assert.That(details.Workflow.Status, Is.EqualTo(WorkflowStatus.Completed), what);
                    Assert.That(details.Tasks.Select(stored => stored.Status), Is.EqualTo(new[] { WorkflowTaskStatus.Completed }), what);
                }
                else if (completed)
                {
                    // The completion came first and queued the next step; the cancel then cancelled that one.
                    Assert.That(cancel, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled)), what);
                    Assert.That(details.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled), what);
                    Assert.That(details.Tasks.Select(stored => stored.Status),
                        Is.EqualTo(new[] { WorkflowTaskStatus.Completed, WorkflowTaskStatus.Cancelled }), what);
                }
                else
                {
                    // The cancel came first: the late completion was rejected and changed nothing.
                    Assert.That(cancel, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled)), what);
                    Assert.That(details.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled), what);
                    Assert.That(details.Tasks.Select(stored => stored.Status), Is.EqualTo(new[] { WorkflowTaskStatus.Cancelled }), what);
                    Assert.That(actions, Has.None.EqualTo(ActivityAction.TaskCompleted), what);
                }

                Assert.That(actions.Count(action => action == ActivityAction.WorkflowCancelled),
                    Is.EqualTo(cancel.Outcome == WorkflowChangeOutcome.Changed ? 1 : 0), what);
            }
        }

        // Which side wins how often is up to the scheduler; the split is printed to show that the race took place.
        await TestContext.Out.WriteLineAsync(
            $"{completedCount} completions came first, {workflowCount - completedCount} cancels came first");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CancelAsync_RacingARetry_NeverLeavesATaskToRunInACancelledWorkflow(CancellationToken cancellationToken)
    {
        const int workflowCount = 40;
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < workflowCount; i++)
        {
            workflows.Add(await CreateFinishedAsync(WorkflowStatus.Failed, ClaimedAt.AddMilliseconds(i), TestTimes.Start.AddMilliseconds(i)));
        }

        var results = await RunTogetherAsync(workflowCount * 2, index => index % 2 == 0
            ? Repository.RetryAsync(new WorkflowRetry(workflows[index / 2], 0, FreshAttempts: 1, ChangedAt, DueAt: ChangedAt), cancellationToken)
            : Repository.CancelAsync(workflows[index / 2], ChangedAt, cancellationToken));

        var cancelledAfterTheRetry = 0;
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < workflowCount; i++)
            {
                var (retry, cancel) = (results[i * 2], results[(i * 2) + 1]);
                var details = await FindAsync(workflows[i]);
                var what = $"workflow {i}: retry {retry}, cancel {cancel}";
                Assert.That(retry, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending)), what);
                if (cancel.Outcome == WorkflowChangeOutcome.Changed)
                {
                    // The retry came first; the cancel then cancelled the retried task too.
                    cancelledAfterTheRetry++;
                    Assert.That(details.Workflow.Status, Is.EqualTo(WorkflowStatus.Cancelled), what);
                    Assert.That(details.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Cancelled), what);
                }
                else
                {
                    // The cancel came first and found the workflow FAILED; the retry then made it PENDING.
                    Assert.That(cancel, Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Failed)), what);
                    Assert.That(details.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending), what);
                    Assert.That(details.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending), what);
                }
            }

            var due = await Queue.ClaimAsync(new ClaimBuilder().UpTo(workflowCount).At(ChangedAt).Build(), cancellationToken);
            Assert.That(due, Has.Count.EqualTo(workflowCount - cancelledAfterTheRetry), "only the workflows left PENDING have a task to run");
        }

        await TestContext.Out.WriteLineAsync(
            $"{cancelledAfterTheRetry} cancels came after the retry, {workflowCount - cancelledAfterTheRetry} before");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CancelAsync_ConcurrentCancels_ChangeEachWorkflowOnce(CancellationToken cancellationToken)
    {
        const int workflowCount = 10;
        const int cancelsPerWorkflow = 5;
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < workflowCount; i++)
        {
            workflows.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMilliseconds(i)).CreateAsync(Repository)).Id);
        }

        var results = await RunTogetherAsync(workflowCount * cancelsPerWorkflow, index =>
            Repository.CancelAsync(workflows[index % workflowCount], ChangedAt, cancellationToken));

        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < workflowCount; i++)
            {
                var forWorkflow = results.Where((_, index) => index % workflowCount == i).ToList();
                Assert.That(forWorkflow.Count(result => result.Outcome == WorkflowChangeOutcome.Changed), Is.EqualTo(1));
                Assert.That(forWorkflow.Where(result => result.Outcome != WorkflowChangeOutcome.Changed),
                    Is.All.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Cancelled)));
                Assert.That(await ActionsOfAsync(workflows[i]), Has.Exactly(1).EqualTo(ActivityAction.WorkflowCancelled));
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RetryAsync_ConcurrentRetries_ChangeEachWorkflowOnce(CancellationToken cancellationToken)
    {
        const int workflowCount = 10;
        const int retriesPerWorkflow = 5;
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < workflowCount; i++)
        {
            workflows.Add(await CreateFinishedAsync(WorkflowStatus.Failed, ClaimedAt.AddMilliseconds(i), TestTimes.Start.AddMilliseconds(i)));
        }

        var results = await RunTogetherAsync(workflowCount * retriesPerWorkflow, index =>
            Repository.RetryAsync(new WorkflowRetry(workflows[index % workflowCount], 0, FreshAttempts: 2, ChangedAt, DueAt: ChangedAt), cancellationToken));

        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < workflowCount; i++)
            {
                var forWorkflow = results.Where((_, index) => index % workflowCount == i).ToList();
                Assert.That(forWorkflow.Count(result => result.Outcome == WorkflowChangeOutcome.Changed), Is.EqualTo(1));
                Assert.That(forWorkflow.Where(result => result.Outcome != WorkflowChangeOutcome.Changed),
                    Is.All.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, WorkflowStatus.Pending)));
                Assert.That(await ActionsOfAsync(workflows[i]), Has.Exactly(1).EqualTo(ActivityAction.WorkflowRetried));
                Assert.That((await TaskAsync(workflows[i])).MaxAttempts, Is.EqualTo(1 + 2), "the fresh attempts were granted once");
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task DeleteFinishedAsync_ConcurrentSweeps_DeleteEachWorkflowOnce(CancellationToken cancellationToken)
    {
        const int workflowCount = 100;
        WorkflowStatus[] finished = [WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled];
        for (var i = 0; i < workflowCount; i++)
        {
            await CreateFinishedAsync(finished[i % 3], ClaimedAt.AddMilliseconds(i), TestTimes.Start.AddMilliseconds(i));
        }

        var deletedBySweeper = await RunTogetherAsync(8, async _ =>
        {
            var total = 0;
            while (true)
            {
                var deleted = await Retention.DeleteFinishedAsync(ChangedAt, 5, cancellationToken);
                if (deleted == 0)
                {
                    return total;
                }

                total += deleted;
            }
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deletedBySweeper.Sum(), Is.EqualTo(workflowCount), "every workflow deleted once");
            Assert.That(deletedBySweeper.Count(count => count > 0), Is.GreaterThan(1), "the sweeps really ran side by side");
            Assert.That(await SnapshotAsync(), Is.Empty);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RetryAsync_RacingTheRetentionSweep_EachWorkflowIsEitherRetriedOrDeleted(CancellationToken cancellationToken)
    {
        const int workflowCount = 60;
        var workflows = new List<WorkflowId>();
        for (var i = 0; i < workflowCount; i++)
        {
            workflows.Add(await CreateFinishedAsync(WorkflowStatus.Failed, ClaimedAt.AddMilliseconds(i), TestTimes.Start.AddMilliseconds(i)));
        }

        // An operator retries them newest first while three sweeps delete them oldest first: they meet in the middle.
        var retries = new WorkflowChangeResult?[workflowCount];
        var deletedBySweeper = await RunTogetherAsync(4, async index =>
        {
            if (index == 0)
            {
                for (var i = workflowCount - 1; i >= 0; i--)
                {
                    retries[i] = await Repository.RetryAsync(new WorkflowRetry(workflows[i], 0, FreshAttempts: 1, ChangedAt, DueAt: ChangedAt), cancellationToken);
                }

                return 0;
            }

            var total = 0;
            while (true)
            {
                var deleted = await Retention.DeleteFinishedAsync(ChangedAt, 3, cancellationToken);
                if (deleted == 0)
                {
                    return total;
                }

                total += deleted;
            }
        });

        var retried = 0;
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < workflowCount; i++)
            {
                var found = await Repository.FindAsync(workflows[i], CancellationToken.None);
                if (retries[i]!.Outcome == WorkflowChangeOutcome.Changed)
                {
                    retried++;
                    Assert.That(found?.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending), $"workflow {i} was retried, so it stays");
                    Assert.That(found?.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending), $"workflow {i}");
                }
                else
                {
                    Assert.That(retries[i], Is.EqualTo(new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)), $"workflow {i}");
                    Assert.That(found, Is.Null, $"workflow {i} was deleted first");
                }
            }

            Assert.That(deletedBySweeper.Sum() + retried, Is.EqualTo(workflowCount), "each workflow either retried or deleted");
        }

        await TestContext.Out.WriteLineAsync($"{retried} retried, {deletedBySweeper.Sum()} deleted");
    }
}
