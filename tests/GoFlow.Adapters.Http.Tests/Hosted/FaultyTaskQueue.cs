using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// A store decorator for the group commits of completions: on the completion call numbered
/// <see cref="ConflictOnCall"/> it lets <see cref="InjectConflict"/> make the real database roll that transaction back as
/// a conflict; on the one numbered <see cref="LoseAcknowledgementOfCall"/> it lets the store commit and then throws the
/// error a connection lost before the answer arrived would have given. Every other call passes through.
/// </summary>
internal sealed class FaultyTaskQueue(ITaskQueue inner, FaultyTaskQueue.Script script) : ITaskQueue
{
    public ITaskQueue Inner => inner;

    /// <summary>Replaces the host's task queue with this decorator around it.</summary>
    public static void Decorate(IServiceCollection services, Script script)
    {
        var original = services.Last(descriptor => descriptor.ServiceType == typeof(ITaskQueue));
        services.Remove(original);
        services.AddSingleton<ITaskQueue>(provider => new FaultyTaskQueue(
            (ITaskQueue)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!), script));
    }

    public async Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> CompleteAsync(
        IReadOnlyList<TaskCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref script.Calls);
        if (call == script.ConflictOnCall && script.InjectConflict is { } inject)
        {
            return await inject(() => inner.CompleteAsync(completions, now, cancellationToken));
        }

        var recorded = await inner.CompleteAsync(completions, now, cancellationToken);
        if (call == script.LoseAcknowledgementOfCall)
        {
            Interlocked.Increment(ref script.AcknowledgementsLost);
            throw new StoreUnavailableException(
                "The connection was lost before the commit's answer arrived (injected).", new IOException("Connection reset"));
        }

        return recorded;
    }

    public Task<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest claim, CancellationToken cancellationToken) =>
        inner.ClaimAsync(claim, cancellationToken);

    public Task<bool> FailAsync(TaskFailure failure, CancellationToken cancellationToken) =>
        inner.FailAsync(failure, cancellationToken);

    public Task<IReadOnlyList<TaskId>> RenewLeasesAsync(LeaseRenewal renewal, CancellationToken cancellationToken) =>
        inner.RenewLeasesAsync(renewal, cancellationToken);

    public Task<bool> ReleaseAsync(ClaimedTask task, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(task, now, cancellationToken);

    public Task<bool> SnoozeAsync(TaskSnooze snooze, CancellationToken cancellationToken) =>
        inner.SnoozeAsync(snooze, cancellationToken);

    public Task<RecoveredLeases> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken) =>
        inner.RecoverExpiredLeasesAsync(now, maxTasks, cancellationToken);

    /// <summary>What the decorator does, and on which completion call (numbered from 1); 0 is never.</summary>
    internal sealed class Script
    {
        public int Calls;
        public int AcknowledgementsLost;

        public int ConflictOnCall { get; set; }

        public int LoseAcknowledgementOfCall { get; set; }

        /// <summary>Runs the store's call so that its database meets a transient conflict.</summary>
        public Func<Func<Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>>, Task<IReadOnlyDictionary<TaskCompletion, ClaimedTask?>>>? InjectConflict { get; set; }
    }
}
