using System.Text.Json;
using GoFlow.Domain;

namespace GoFlow.Ports.Driving;

/// <summary>Delivers a named signal to a workflow, for the step that waits for it (ADR 0020).</summary>
public interface IDeliverSignal
{
    Task<DeliverSignalResult> DeliverAsync(DeliverSignalCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Deliver <paramref name="Payload"/> (a JSON object) as signal <paramref name="Name"/> to workflow
/// <paramref name="WorkflowId"/>; with an <paramref name="IdempotencyKey"/>, a resend of the same request is answered as
/// the first was and stores nothing.
/// </summary>
public sealed record DeliverSignalCommand(WorkflowId WorkflowId, string Name, JsonElement Payload, string? IdempotencyKey = null);

/// <summary>A signal as stored: when it was received, and whether the step waiting for it was woken by it.</summary>
public sealed record SignalReceipt(WorkflowId WorkflowId, string Name, DateTimeOffset ReceivedAt, bool WokeWaitingStep);

/// <summary>What delivering a signal came to.</summary>
public abstract record DeliverSignalResult
{
    private DeliverSignalResult()
    {
    }

    /// <summary>Stored: the step consumes it when it waits, or now if it waited.</summary>
    public sealed record Delivered(SignalReceipt Receipt) : DeliverSignalResult;

    /// <summary>The same request came before under its Idempotency-Key: this is what it stored.</summary>
    public sealed record AlreadyDelivered(SignalReceipt Receipt) : DeliverSignalResult;

    /// <summary>The command was refused; nothing was stored. Errors are keyed by request field name.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : DeliverSignalResult;

    /// <summary>No such workflow.</summary>
    public sealed record WorkflowNotFound : DeliverSignalResult;

    /// <summary>No step of the workflow's definition waits for a signal of that name.</summary>
    public sealed record NoStepWaits(string Detail) : DeliverSignalResult;

    /// <summary>The Idempotency-Key was used for this signal with a different payload; nothing was stored.</summary>
    public sealed record KeyReused(string Detail) : DeliverSignalResult;

    /// <summary>The workflow has finished, or already received a signal of that name (by another request); nothing was stored.</summary>
    public sealed record Conflict(string Detail) : DeliverSignalResult;
}
