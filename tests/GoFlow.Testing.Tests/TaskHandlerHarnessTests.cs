using GoFlow.Ports.Driven;

namespace GoFlow.Testing.Tests;

public sealed class TaskHandlerHarnessTests
{
    [Test]
    public async Task RunAsync_HandlerReturns_GivesItsOutput()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new AddsItsStep(), """{"order_id": "A-1"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.IsCompleted, Is.True);
            Assert.That(outcome.Output?.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","step_1":1}"""));
            Assert.That(outcome.IsFailure, Is.False);
        }
    }

    [Test]
    public async Task RunAsync_HandlerThrowsPermanentFailure_IsAPermanentFailureWithItsMessage()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new RefusesTheOrder(new Calls()), "{}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.IsPermanentFailure, Is.True);
            Assert.That(outcome.Failure, Is.TypeOf<PermanentTaskFailureException>());
            Assert.That(outcome.Error, Is.EqualTo("the order does not exist"));
            Assert.That(outcome.Output, Is.Null);
        }
    }

    [Test]
    public async Task RunAsync_HandlerSnoozes_IsASnoozeWithItsDelayAndNotAFailure()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new SnoozesFiveMinutes(), "{}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.SnoozedFor, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(outcome.IsFailure, Is.False);
            Assert.That(outcome.IsCompleted, Is.False);
        }
    }

    [Test]
    public async Task RunAsync_HandlerThrowsAnythingElse_IsARetryableFailure()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new FailsTwiceThenCharges(new Calls()), "{}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.IsFailure, Is.True);
            Assert.That(outcome.IsPermanentFailure, Is.False);
            Assert.That(outcome.Error, Is.EqualTo("the payment service is down"));
        }
    }

    [Test]
    public async Task RunAsync_TokenCancelledWhileTheHandlerWaits_IsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var running = TaskHandlerHarness.RunAsync(new WaitsForItsToken(), "{}", cancellation.Token);

        await cancellation.CancelAsync();
        var outcome = await running;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.WasCancelled, Is.True);
            Assert.That(outcome.IsFailure, Is.False);
            Assert.That(outcome.IsCompleted, Is.False);
        }
    }

    [TestCase("[1, 2]")]
    [TestCase("\"text\"")]
    [TestCase("{not json")]
    public void RunAsync_InputNotAJsonObject_IsRefused(string input)
    {
        Assert.That(
            async () => await TaskHandlerHarness.RunAsync(new AddsItsStep(), input),
            Throws.ArgumentException);
    }

    [Test]
    public async Task RunAsync_HandlerReturnsNull_IsAFailureAsInTheEngine()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new ReturnsNothing(), "{}");

        Assert.That(outcome.IsFailure, Is.True);
    }

    private sealed class ReturnsNothing : ITaskHandler
    {
        public Task<System.Text.Json.Nodes.JsonObject> HandleAsync(
            System.Text.Json.Nodes.JsonObject input, CancellationToken cancellationToken) => Task.FromResult<System.Text.Json.Nodes.JsonObject>(null!);
    }
}
