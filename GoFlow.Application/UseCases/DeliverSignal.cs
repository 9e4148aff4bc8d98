using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GoFlow.Application.Tasks;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.UseCases;

/// <summary>
/// Stores a signal for the step of the workflow's definition that waits for it, and wakes that step when it waits
/// (ADR 0020). A workflow holds at most one signal per name: its step consumes one.
/// </summary>
internal sealed class DeliverSignal(
    IWorkflowRepository repository,
    IWorkflowDefinitions definitions,
    ISignalInbox inbox,
    IWorkAvailableSignal workAvailable,
    TimeProvider clock,
    StoreLimits storeLimits,
    IOptions<StepOutputOptions> outputOptions) : IDeliverSignal
{
    public async Task<DeliverSignalResult> DeliverAsync(DeliverSignalCommand command, CancellationToken cancellationToken)
    {
        if (Refusal(command) is { } errors)
        {
            return new DeliverSignalResult.Invalid(errors);
        }

        if (!StepSignal.IsValidName(command.Name))
        {
            // No step can wait for it; the name is not echoed, as it may be anything up to the URL's length.
            return new DeliverSignalResult.NoStepWaits(
                $"No step waits for a signal of that name: a signal name is 1 to {StepSignal.MaxNameLength} characters of A-Z, a-z, 0-9, '-', '_' and '.'.");
        }

        var workflow = await repository.FindAsync(command.WorkflowId, cancellationToken);
        if (workflow is null)
        {
            return new DeliverSignalResult.WorkflowNotFound();
        }

        var step = definitions.Find(workflow.Workflow.WorkflowName)?.StepAwaiting(command.Name);
        if (step is null)
        {
            return new DeliverSignalResult.NoStepWaits(
                $"No step of workflow '{workflow.Workflow.WorkflowName}' waits for a signal named '{command.Name}'.");
        }

        // Kept as the client wrote it, as a start's input is.
        var payload = command.Payload.GetRawText();
        var key = command.IdempotencyKey is { } given ? new IdempotencyKey(given, Fingerprint(command.Name, payload)) : null;
        var delivered = await inbox.DeliverAsync(
            new NewSignal(command.WorkflowId, command.Name, step.Index, payload, key, storeLimits.Kept(clock.GetUtcNow())),
            cancellationToken);
        switch (delivered)
        {
            case SignalDeliveryResult.Delivered { Signal: var signal, WokeTask: var woke }:
                if (woke)
                {
                    workAvailable.Notify();
                }

                return new DeliverSignalResult.Delivered(new SignalReceipt(signal.WorkflowId, signal.Name, signal.ReceivedAt, woke));
            case SignalDeliveryResult.AlreadyReceived { Existing: var existing }
                when key is not null && existing.IdempotencyKey == key.Key && existing.RequestFingerprint == key.RequestFingerprint:
                return new DeliverSignalResult.AlreadyDelivered(
                    new SignalReceipt(existing.WorkflowId, existing.Name, existing.ReceivedAt, WokeWaitingStep: false));
            case SignalDeliveryResult.AlreadyReceived { Existing: var existing } when key is not null && existing.IdempotencyKey == key.Key:
                return new DeliverSignalResult.KeyReused(
                    $"Idempotency-Key '{key.Key}' was already used for signal '{command.Name}' with a different payload.");
            case SignalDeliveryResult.AlreadyReceived:
                return new DeliverSignalResult.Conflict(
                    $"Workflow {command.WorkflowId} has received signal '{command.Name}' already; its step takes one.");
            case SignalDeliveryResult.WorkflowFinished { Status: var status }:
                return new DeliverSignalResult.Conflict(
                    $"Workflow {command.WorkflowId} is {status.ToName()}: a finished workflow takes no signals.");
            default:
                return new DeliverSignalResult.WorkflowNotFound();
        }
    }

    /// <summary>
    /// The payload must be an object and no larger than a step's output may be, because it becomes one (merged into the
    /// step's input, whose size the completion checks again); the key is as a start's.
    /// </summary>
    private Dictionary<string, string[]>? Refusal(DeliverSignalCommand command)
    {
        var errors = new Dictionary<string, string[]>();
        if (command.Payload.ValueKind != JsonValueKind.Object)
        {
            errors["payload"] = ["The signal's payload must be a JSON object."];
        }
        else if (Encoding.UTF8.GetByteCount(command.Payload.GetRawText()) > outputOptions.Value.MaxBytes)
        {
            errors["payload"] = [$"The signal's payload is larger than a step's output may be ({outputOptions.Value.MaxBytes} bytes)."];
        }

        if (command.IdempotencyKey is { } key
            && (key.Length is 0 or > StartWorkflowCommandValidator.MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            errors["idempotency_key"] =
            [
                $"The Idempotency-Key header must be 1 to {StartWorkflowCommandValidator.MaxIdempotencyKeyLength} characters, none of them control characters.",
            ];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>What makes two deliveries "the same" for an idempotency key: the signal's name and payload, byte for byte.</summary>
    private static string Fingerprint(string name, string payload) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + payload)));
}
