using System.Text.Json;
using GoFlow.Domain;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Testing;

/// <summary>What a client does through the REST API, done here through the same driving ports: start a workflow, send a signal.</summary>
public sealed partial class GoFlowTestHost
{
    /// <summary>Starts a workflow through <see cref="IStartWorkflow"/>, as the REST API does, and runs nothing yet.</summary>
    /// <exception cref="ArgumentException">The start was refused (unknown workflow, input not a JSON object, ...).</exception>
    /// <exception cref="JsonException"><paramref name="inputPayload"/> is not JSON text at all.</exception>
    public async Task<WorkflowId> StartWorkflowAsync(
        string workflowName, string inputPayload = "{}", string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var input = ParseJson(inputPayload);
        await using var scope = _host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IStartWorkflow>().StartAsync(
            new StartWorkflowCommand(workflowName, input, idempotencyKey), cancellationToken);
        return result switch
        {
            StartWorkflowResult.Started started => started.Workflow.Id,
            StartWorkflowResult.AlreadyStarted again => again.Workflow.Id,
            StartWorkflowResult.Invalid invalid => throw new ArgumentException(
                "The workflow was not started: " + Describe(invalid.Errors), nameof(workflowName)),
            StartWorkflowResult.KeyReused reused => throw new ArgumentException(reused.Detail, nameof(idempotencyKey)),
            _ => throw new InvalidOperationException($"Unexpected start result {result}."),
        };
    }

    /// <summary>
    /// Sends signal <paramref name="signalName"/> to workflow <paramref name="id"/> through <see cref="IDeliverSignal"/>,
    /// as <c>POST /workflows/{id}/signals/{name}</c> does, and runs nothing yet. The step that waits for it (or will)
    /// completes at the next run, with the payload's fields set over its input (ADR 0020).
    /// </summary>
    /// <param name="payload">The signal's payload as JSON object text, as a client posts it.</param>
    /// <param name="idempotencyKey">As the request's <c>Idempotency-Key</c>: a resend of the same signal under it stores nothing.</param>
    /// <returns>The signal as stored: <see cref="SignalReceipt.WokeWaitingStep"/> says whether a step was waiting for it.</returns>
    /// <exception cref="ArgumentException">
    /// The signal was refused (the API's 400, 404 or 422): the payload is not a JSON object, there is no such workflow, no
    /// step of it waits for that name, or the key came before with another payload.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The workflow has finished, or holds a signal of that name already (the API's 409).
    /// </exception>
    /// <exception cref="JsonException"><paramref name="payload"/> is not JSON text at all.</exception>
    public async Task<SignalReceipt> SignalAsync(
        WorkflowId id, string signalName, string payload = "{}", string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var body = ParseJson(payload);
        await using var scope = _host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IDeliverSignal>().DeliverAsync(
            new DeliverSignalCommand(id, signalName, body, idempotencyKey), cancellationToken);
        return result switch
        {
            DeliverSignalResult.Delivered delivered => delivered.Receipt,
            DeliverSignalResult.AlreadyDelivered again => again.Receipt,
            DeliverSignalResult.Invalid invalid => throw new ArgumentException(
                "The signal was not delivered: " + Describe(invalid.Errors), nameof(payload)),
            DeliverSignalResult.WorkflowNotFound => throw new ArgumentException($"There is no workflow {id}.", nameof(id)),
            DeliverSignalResult.NoStepWaits refused => throw new ArgumentException(refused.Detail, nameof(signalName)),
            DeliverSignalResult.KeyReused reused => throw new ArgumentException(reused.Detail, nameof(idempotencyKey)),
            DeliverSignalResult.Conflict conflict => throw new InvalidOperationException(conflict.Detail),
            _ => throw new InvalidOperationException($"Unexpected signal result {result}."),
        };
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}"));
}
