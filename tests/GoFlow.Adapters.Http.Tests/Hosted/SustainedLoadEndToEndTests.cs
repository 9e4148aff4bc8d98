using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// A host with API and worker under a steady stream of starts, with the worker's share while the API is busy at its
/// smallest (ADR 0021): the worker still finishes workflows while the API keeps answering, on each store.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class SustainedLoadEndToEndTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const int Clients = 4;

    [Test]
    public async Task Start_UnderSustainedLoadWithTheSmallestWorkerShare_WorkflowsStillComplete()
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var host = await TestHost.StartAsync(
            store, TestHost.ApiAndWorker, new Dictionary<string, string?> { ["Worker:MaxConcurrencyWhileApiBusy"] = "1" });
        using var stop = new CancellationTokenSource();
        var answered = 0;
        var firstStarted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = (await host.Client.StartAsync("OrderProcess", """{"order_id": "load", "amount": 1}""")).Id();
                firstStarted.TrySetResult(id);
                Interlocked.Increment(ref answered);
            }
        })));

        try
        {
            var first = await firstStarted.Task.WaitAsync(Timeout);
            await host.Client.WaitForStatusAsync(first, StatusNames.Completed, Timeout);
            var answeredWhenCompleted = Volatile.Read(ref answered);
            await Poll.UntilAsync(
                () => Task.FromResult(Volatile.Read(ref answered)), count => count > answeredWhenCompleted, Timeout,
                "the API to answer more starts after the worker finished one");
            Assert.That(load.IsFaulted, Is.False, "every start was answered 201 while the worker ran");
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
    }
}
