namespace GoFlow.Benchmarks.Measurements;

internal static class RunCompletion
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Waits until none of the run's workflows is PENDING or RUNNING. It only has to notice the end, since every figure
    /// is read from the stored times afterwards, so it looks rarely and cheaply: whether one unfinished row exists,
    /// first after 50 ms, then half as often again each time, at least once a second. Fails after the options' timeout.
    /// </summary>
    /// <returns>
    /// How many are still unfinished: 0, or the count when <paramref name="deadline"/> is given and has passed.
    /// </returns>
    public static async Task<long> WaitAsync(
        BenchmarkContext context, string workflowName, DateTimeOffset since, CancellationToken cancellationToken, TimeSpan? deadline = null)
    {
        var started = context.Time.GetTimestamp();
        var limit = deadline ?? context.Options.Timeout;
        var poll = FirstPoll;
        while (await context.Store.AnyUnfinishedWorkflowAsync(workflowName, since, cancellationToken))
        {
            if (context.Time.GetElapsedTime(started) > limit)
            {
                var unfinished = await context.Store.CountUnfinishedWorkflowsAsync(workflowName, since, cancellationToken);
                return deadline is null
                    ? throw new TimeoutException($"{unfinished} {workflowName} workflows were still unfinished after {limit}.")
                    : unfinished;
            }

            await Task.Delay(poll, context.Time, cancellationToken);
            poll = TimeSpan.FromTicks(Math.Min(LongestPoll.Ticks, poll.Ticks * 3 / 2));
        }

        return 0;
    }
}
