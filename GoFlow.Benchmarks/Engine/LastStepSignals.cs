using System.Collections.Concurrent;

namespace GoFlow.Benchmarks.Engine;

/// <summary>Waiters for the last step of the workflows whose input carries <see cref="InputKey"/>.</summary>
internal sealed class LastStepSignals
{
    public const string InputKey = "bench_key";

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>Completes when the last step of the workflow started with <paramref name="key"/> in its input has run.</summary>
    public Task WaitAsync(string key) =>
        _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string key) =>
        _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Forget(string key) => _waiters.TryRemove(key, out _);
}
