using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// The domain's transition table, applied to a store: every task transition from every status, through the port that
/// makes it. From a status the table allows, the task reaches the transition's status, its attempt is the one
/// <see cref="TaskTransition.AttemptAfter"/> counts, and the transition's activity rows are written; from any other,
/// nothing at all is written. Subclass it and implement
/// <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class TransitionTableContract : StorageContract
{
    private const string Owner = "worker-a";
    private static readonly DateTimeOffset ClaimedAt = TestTimes.Start.AddSeconds(1);
    private static readonly DateTimeOffset AppliedAt = TestTimes.Start.AddSeconds(2);

    private const string SignalName = "approved";

    /// <summary>When a task parked at the arrangement stops waiting for its signal.</summary>
    private static readonly DateTimeOffset TimeoutAt = ClaimedAt + TimeSpan.FromHours(1);

    /// <summary>After the claim's lease ended, so that a lease sweep may take it back.</summary>
    private static readonly DateTimeOffset AfterLease = ClaimedAt + TestTimes.Lease + TimeSpan.FromMinutes(1);

    private static IEnumerable<TestCaseData> EveryTransitionFromEveryStatus() =>
        from transition in TaskTransitions.All
        where !transition.Creates
        from status in Enum.GetValues<WorkflowTaskStatus>()
        select new TestCaseData(transition, status).SetArgDisplayNames(transition.Name, status.ToName());

    [TestCaseSource(nameof(EveryTransitionFromEveryStatus))]
    public async Task Apply_TransitionFromStatus_AppliesExactlyWhenTheTableAllowsIt(
        TaskTransition transition, WorkflowTaskStatus status)
    {
        var (workflowId, claim) = await ArrangeAsync(status, lastAttempt: transition == TaskTransitions.ExpireLastLease);
        Assert.That((await TaskAsync(workflowId)).Status, Is.EqualTo(status), "the arrangement");
        var before = await SnapshotAsync();
        var taskBefore = await TaskAsync(workflowId);
        var activityBefore = (await ActionsOfAsync(workflowId)).Count;

        await ApplyAsync(transition, workflowId, claim);

        var task = await TaskAsync(workflowId);
        if (transition.CanStartFrom(status))
        {
            var written = (await ActionsOfAsync(workflowId)).Skip(activityBefore).ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(task.Status, Is.EqualTo(transition.To), "applied");
                Assert.That(task.Attempt, Is.EqualTo(transition.AttemptAfter(taskBefore.Attempt)),
                    "the store counts the attempt as the transition says (what a claim answers without reading it back)");
                Assert.That(await SnapshotAsync(), Is.Not.EqualTo(before), "applied");
                Assert.That(written.Take(transition.Activity.Count), Is.EqualTo(transition.Activity), "its activity rows first");
            }
        }
        else if (transition == TaskTransitions.ReceiveSignal && !WorkflowTransitions.IsFinished((await FindAsync(workflowId)).Workflow.Status))
        {
            // A signal that comes before its step waits is stored all the same (ADR 0020); the task is not touched.
            Assert.That(task, Is.EqualTo(taskBefore), $"{transition.Name} from {status.ToName()} leaves the task as it was");
        }
        else
        {
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), $"{transition.Name} from {status.ToName()} is refused and writes nothing");
        }
    }

    /// <summary>
    /// A one-step workflow whose task is in <paramref name="status"/>, reached through the ports the way production
    /// reaches it, and the claim <see cref="Owner"/> took on it on the way (stale unless the task is RUNNING).
    /// </summary>
    private async Task<(WorkflowId Workflow, ClaimedTask Claim)> ArrangeAsync(WorkflowTaskStatus status, bool lastAttempt)
    {
        var workflow = await new WorkflowBuilder().Named("Single").WithTasks("Only").WithMaxAttempts(lastAttempt ? 1 : 3)
            .CreateAsync(Repository);
        var claim = await ClaimTaskOfAsync(workflow.Id, ClaimedAt, Owner);
        switch (status)
        {
            case WorkflowTaskStatus.Pending:
                Assert.That(await Queue.ReleaseAsync(claim, ClaimedAt, CancellationToken.None), Is.True);
                break;
            case WorkflowTaskStatus.Running:
                break;
            case WorkflowTaskStatus.Completed:
                Assert.That(await CompleteOneAsync(claim, "{}", nextStep: null, ClaimedAt), Is.True);
                break;
            case WorkflowTaskStatus.Failed:
                Assert.That(await Queue.FailAsync(new TaskFailure(claim, "broken", null, ClaimedAt), CancellationToken.None), Is.True);
                break;
            case WorkflowTaskStatus.Cancelled:
                Assert.That((await Repository.CancelAsync(workflow.Id, ClaimedAt, CancellationToken.None)).Outcome,
                    Is.EqualTo(WorkflowChangeOutcome.Changed));
                break;
            case WorkflowTaskStatus.Waiting:
                Assert.That(await Signals.AwaitAsync(new SignalAwait(claim, SignalName, TimeoutAt, ClaimedAt), CancellationToken.None),
                    Is.TypeOf<SignalAwaitResult.Parked>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, "not a task status");
        }

        return (workflow.Id, claim);
    }

    /// <summary>Makes <paramref name="transition"/> through the port that production makes it through.</summary>
    private async Task ApplyAsync(TaskTransition transition, WorkflowId workflowId, ClaimedTask claim)
    {
        var none = CancellationToken.None;
        if (transition == TaskTransitions.Claim)
        {
            await Queue.ClaimAsync(new ClaimBuilder().By(Owner).At(AppliedAt).Build(), none);
        }
        else if (transition == TaskTransitions.RenewLease)
        {
            await Queue.RenewLeasesAsync(
                new LeaseRenewal(Owner, [new TaskClaim(claim.Id, claim.Attempt)], AppliedAt + TestTimes.Lease, AppliedAt), none);
        }
        else if (transition == TaskTransitions.Complete)
        {
            await Queue.CompleteAsync([Completion(claim, "{}", nextStep: null)], AppliedAt, none);
        }
        else if (transition == TaskTransitions.ScheduleRetry)
        {
            await Queue.FailAsync(new TaskFailure(claim, "boom", AppliedAt.AddSeconds(5), AppliedAt), none);
        }
        else if (transition == TaskTransitions.Fail)
        {
            await Queue.FailAsync(new TaskFailure(claim, "boom", RetryAt: null, AppliedAt), none);
        }
        else if (transition == TaskTransitions.Release)
        {
            await Queue.ReleaseAsync(claim, AppliedAt, none);
        }
        else if (transition == TaskTransitions.Snooze)
        {
            await Queue.SnoozeAsync(new TaskSnooze(claim, AppliedAt.AddMinutes(10), AppliedAt), none);
        }
        else if (transition == TaskTransitions.ExpireLease || transition == TaskTransitions.ExpireLastLease)
        {
            await Queue.RecoverExpiredLeasesAsync(AfterLease, maxTasks: 10, none);
        }
        else if (transition == TaskTransitions.AwaitSignal)
        {
            await Signals.AwaitAsync(new SignalAwait(claim, SignalName, AppliedAt.AddHours(1), AppliedAt), none);
        }
        else if (transition == TaskTransitions.ReceiveSignal)
        {
            await Signals.DeliverAsync(new NewSignal(workflowId, SignalName, StepIndex: 0, """{"ok":true}""", Key: null, AppliedAt), none);
        }
        else if (transition == TaskTransitions.SignalTimeout)
        {
            await Signals.FailTimedOutAsync(TimeoutAt, maxTasks: 10, none);
        }
        else if (transition == TaskTransitions.Cancel)
        {
            await Repository.CancelAsync(workflowId, AppliedAt, none);
        }
        else if (transition == TaskTransitions.Retry)
        {
            await Repository.RetryAsync(new WorkflowRetry(workflowId, StepIndex: 0, FreshAttempts: 3, AppliedAt, DueAt: AppliedAt), none);
        }
        else
        {
            Assert.Fail($"The contract does not know the port that makes '{transition.Name}': add it here.");
        }
    }
}
