using System.Text.Json;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Moq;

namespace GoFlow.Testing.Tests.Examples;

// The README's example of mocking a driving port in a user's own service, kept compiling and passing here.

/// <summary>A user's service that starts GoFlow's OrderProcess through the <see cref="IStartWorkflow"/> port.</summary>
public sealed class Checkout(IStartWorkflow workflows)
{
    /// <returns>The workflow that processes the order; the same one when the order is placed twice.</returns>
    public async Task<WorkflowId> PlaceOrderAsync(string orderId, decimal amount, CancellationToken cancellationToken)
    {
        var input = JsonSerializer.SerializeToElement(new { order_id = orderId, amount });
        var result = await workflows.StartAsync(
            new StartWorkflowCommand("OrderProcess", input, IdempotencyKey: $"order-{orderId}"), cancellationToken);
        return result switch
        {
            StartWorkflowResult.Started started => started.Workflow.Id,
            StartWorkflowResult.AlreadyStarted again => again.Workflow.Id,
            _ => throw new InvalidOperationException($"OrderProcess was not started: {result}"),
        };
    }
}

public sealed class CheckoutTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Mock<IStartWorkflow> _workflows = new();

    [Test]
    public async Task PlaceOrderAsync_NewOrder_StartsOrderProcessOnTheOrderWithTheOrderAsKey()
    {
        var id = WorkflowId.New(Now);
        _workflows
            .Setup(workflows => workflows.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(
                new WorkflowView(id, "OrderProcess", WorkflowStatus.Pending, "{}", Now, Now)));

        var placed = await new Checkout(_workflows.Object).PlaceOrderAsync("A-1", 42m, default);

        Assert.That(placed, Is.EqualTo(id));
        _workflows.Verify(
            workflows => workflows.StartAsync(
                It.Is<StartWorkflowCommand>(command =>
                    command.WorkflowName == "OrderProcess"
                    && command.IdempotencyKey == "order-A-1"
                    && command.InputPayload!.Value.GetProperty("amount").GetDecimal() == 42m),
                It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Test]
    public void PlaceOrderAsync_StartRefused_Throws()
    {
        _workflows
            .Setup(workflows => workflows.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Invalid(
                new Dictionary<string, string[]> { ["workflow_name"] = ["Unknown workflow."] }));

        Assert.That(
            async () => await new Checkout(_workflows.Object).PlaceOrderAsync("A-1", 42m, default),
            Throws.InvalidOperationException);
    }
}
