namespace GoFlow.Domain;

/// <summary>How one step of a workflow runs: how many attempts it gets, how long each may take, how retries wait.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included; at least 1.</param>
/// <param name="Timeout">How long one attempt may run before it counts as failed.</param>
public sealed record TaskPolicy(int MaxAttempts, TimeSpan Timeout, RetryBackoff Backoff)
{
    /// <summary>3 attempts, 5 minutes each, retries after 1 s, 2 s, ... up to 5 minutes (with jitter).</summary>
    public static readonly TaskPolicy Default = new(3, TimeSpan.FromMinutes(5), RetryBackoff.Default);

    public int MaxAttempts { get; } = MaxAttempts >= 1
        ? MaxAttempts
        : throw new DomainException($"A task needs at least one attempt, not {MaxAttempts}.");

    public TimeSpan Timeout { get; } = Timeout > TimeSpan.Zero
        ? Timeout
        : throw new DomainException($"A task timeout must be positive, not {Timeout}.");
}

/// <summary>
/// Exponential backoff with jitter: the delay before retry n is <c>min(MaxDelay, BaseDelay * Factor^(n-1))</c>,
/// of which the second half is random, so that tasks that failed together do not all retry together.
/// </summary>
public sealed record RetryBackoff(TimeSpan BaseDelay, double Factor, TimeSpan MaxDelay)
{
    public static readonly RetryBackoff Default = new(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromMinutes(5));

    public TimeSpan BaseDelay { get; } = BaseDelay >= TimeSpan.Zero
        ? BaseDelay
        : throw new DomainException($"A retry delay cannot be negative, not {BaseDelay}.");

    public double Factor { get; } = Factor >= 1.0
        ? Factor
        : throw new DomainException($"A backoff factor must be at least 1, not {Factor}.");

    public TimeSpan MaxDelay { get; } = MaxDelay >= BaseDelay
        ? MaxDelay
        : throw new DomainException($"The longest retry delay {MaxDelay} is shorter than the first, {BaseDelay}.");

    /// <summary>The wait after failed attempt <paramref name="failedAttempt"/> (1 for the first attempt).</summary>
    /// <param name="jitter">A random number in [0, 1): 0 gives half the delay, near 1 the whole.</param>
    public TimeSpan DelayAfter(int failedAttempt, double jitter)
    {
        if (failedAttempt < 1)
        {
            throw new DomainException($"Attempts count from 1, not {failedAttempt}.");
        }

        if (jitter is < 0 or >= 1)
        {
            throw new DomainException($"Jitter is a number in [0, 1), not {jitter}.");
        }

        var exponential = BaseDelay.Ticks * Math.Pow(Factor, failedAttempt - 1);
        var capped = Math.Min(exponential, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped / 2 + capped / 2 * jitter));
    }
}
