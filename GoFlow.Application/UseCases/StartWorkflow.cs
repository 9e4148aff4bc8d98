using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using GoFlow.Application.Tasks;
using GoFlow.Application.Telemetry;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class StartWorkflow(
    IValidator<StartWorkflowCommand> validator,
    IWorkflowDefinitions definitions,
    IWorkflowRepository repository,
    CreationGroupCommit creations,
    IWorkAvailableSignal workAvailable,
    EngineTelemetry telemetry,
    TimeProvider clock,
    StoreLimits storeLimits) : IStartWorkflow
{
    private const string EmptyObject = "{}";
    private const string WorkflowNameField = "workflow_name";

    public async Task<StartWorkflowResult> StartAsync(StartWorkflowCommand command, CancellationToken cancellationToken)
    {
        var validation = validator.Validate(command);
        // The errors' dictionary is built only for a refused start: a valid one (nearly every start) needs none.
        var errors = validation.IsValid ? null : new Dictionary<string, string[]>(validation.ToDictionary());
        var nameRefused = errors?.ContainsKey(WorkflowNameField) == true;
        var definition = nameRefused ? null : definitions.Find(command.WorkflowName!);
        if (definition is null && !nameRefused)
        {
            errors ??= [];
            errors[WorkflowNameField] =
            [
                $"Unknown workflow '{command.WorkflowName}'. Defined workflows: " +
                string.Join(", ", definitions.All.Select(defined => defined.Name)) + ".",
            ];
        }

        // Without a definition there is an error (the name's, refused or unknown), so errors is set then too.
        if (definition is null || errors is not null)
        {
            return new StartWorkflowResult.Invalid(errors!);
        }

        // The payload is kept as the client wrote it, so what is read back is what was sent.
        var input = command.InputPayload?.GetRawText() ?? EmptyObject;
        using var span = EngineTelemetry.ActivitySource.StartActivity("goflow.workflow.start");
        // The request's trace context is stored with the workflow, so its task spans join the same trace later.
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
        // The workflow is answered as built here, so its times are cut to what the store keeps: read back, they are equal.
        var startAt = command.StartAt is { } at ? storeLimits.Kept(at) : (DateTimeOffset?)null;
        var (workflow, firstTask) = WorkflowInstance.Create(
            definition, input, storeLimits.Kept(clock.GetUtcNow()), traceParent, startAt);
        span?.SetTag("workflow_name", workflow.WorkflowName).SetTag("workflow_id", workflow.Id.ToString());

        if (command.IdempotencyKey is { } key)
        {
            var fingerprint = Fingerprint(definition.Name, input, startAt);
            var created = await repository.CreateOnceAsync(
                workflow, firstTask, new IdempotencyKey(key, fingerprint), cancellationToken);
            if (created is IdempotentCreateResult.KeyTaken taken)
            {
                return taken.RequestFingerprint == fingerprint
                    ? new StartWorkflowResult.AlreadyStarted(taken.Existing)
                    : new StartWorkflowResult.KeyReused(
                        $"Idempotency-Key '{key}' was already used for a different request (workflow {taken.Existing.Id}).");
            }
        }
        else
        {
            // Shares its commit with the other starts arriving now. Not cancelled once queued: the write may hold other
            // callers' workflows too, and a workflow that is stored after its caller left is found by its id all the same.
            var stored = creations.CreateAsync(new NewWorkflow(workflow, firstTask));
            try
            {
                await stored.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller left; its workflow is still stored with its group, so a worker must hear of it once it is.
                _ = stored.ContinueWith(
                    write =>
                    {
                        if (write.IsCompletedSuccessfully)
                        {
                            workAvailable.Notify();
                        }
                        else
                        {
                            // Nobody waits for this write any more: observe its failure so it is not reported as unobserved.
                            _ = write.Exception;
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
                throw;
            }
        }

        telemetry.WorkflowStarted(workflow.WorkflowName);
        workAvailable.Notify();

        return new StartWorkflowResult.Started(new WorkflowView(
            workflow.Id,
            workflow.WorkflowName,
            workflow.Status,
            workflow.CurrentInput,
            workflow.CreatedAt,
            workflow.UpdatedAt));
    }

    /// <summary>
    /// What makes two start requests "the same" for an idempotency key: the workflow name and the payload as sent,
    /// byte for byte (two payloads that differ only in spacing count as different requests), and the start time when
    /// one was asked for (as an instant, so the same time written with another offset is the same request).
    /// </summary>
    internal static string Fingerprint(string workflowName, string input, DateTimeOffset? startAt = null) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            workflowName + "\n" + input + (startAt is { } at ? "\n" + at.UtcTicks.ToString(CultureInfo.InvariantCulture) : ""))));
}
