using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using GoFlow.Application.Tasks;
using GoFlow.Application.Telemetry;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
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
    ILocalWorkerSlots localWorker,
    ILeasePolicy leases,
    EngineTelemetry telemetry,
    TimeProvider clock,
    StoreLimits storeLimits) : IStartWorkflow
{
    private const string EmptyObject = "{}";
    private const string WorkflowNameField = "workflow_name";

    public async Task<StartWorkflowResult> StartAsync(StartWorkflowCommand command, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(validator.Validate(command).ToDictionary());
        var definition = errors.ContainsKey(WorkflowNameField) ? null : definitions.Find(command.WorkflowName!);
        if (definition is null && !errors.ContainsKey(WorkflowNameField))
        {
            errors[WorkflowNameField] =
            [
                $"Unknown workflow '{command.WorkflowName}'. Defined workflows: " +
                string.Join(", ", definitions.All.Select(defined => defined.Name)) + ".",
            ];
        }

        if (definition is null || errors.Count > 0)
        {
            return new StartWorkflowResult.Invalid(errors);
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

        var status = workflow.Status;
        if (command.IdempotencyKey is { } key)
        {
            // Stored PENDING, never handed over (ADR 0037): the key's own transaction may find the key taken and store
            // nothing, and these starts are the rare ones, retried by clients; the claim loop takes the first task.
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

            workAvailable.Notify();
        }
        else
        {
            var newWorkflow = Offer(workflow, firstTask, out var slot);
            status = newWorkflow.Status;
            // Shares its commit with the other starts arriving now. Not cancelled once queued: the write may hold other
            // callers' workflows too, and a workflow that is stored after its caller left is found by its id all the same;
            // what follows its commit (the handed-over task run, or a worker woken) happens whether or not anyone waits.
            var stored = StoreAsync(newWorkflow, slot);
            try
            {
                await stored.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Nobody waits for this write any more: observe its failure so it is not reported as unobserved.
                _ = stored.ContinueWith(
                    write => _ = write.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default);
                throw;
            }
        }

        telemetry.WorkflowStarted(workflow.WorkflowName);

        return new StartWorkflowResult.Started(new WorkflowView(
            workflow.Id,
            workflow.WorkflowName,
            status,
            workflow.CurrentInput,
            workflow.CreatedAt,
            workflow.UpdatedAt));
    }

    /// <summary>
    /// The workflow as it is stored: with its first task handed over to this process's worker when that task is due at
    /// once and the worker has a slot free within its share (ADR 0037), <paramref name="slot"/> then holding that slot;
    /// else PENDING for any worker, and <paramref name="slot"/> null.
    /// </summary>
    private NewWorkflow Offer(WorkflowInstance workflow, WorkflowTask firstTask, out IHandOverSlot? slot)
    {
        slot = FirstStepHandOver.IsDue(firstTask, workflow.CreatedAt) ? localWorker.TryTake() : null;
        return new NewWorkflow(
            workflow,
            firstTask,
            slot is null ? null : FirstStepHandOver.Of(firstTask, workflow.CreatedAt, slot.WorkerId, leases.LeaseDuration));
    }

    /// <summary>
    /// Stores the start with its group, then gives its slot its task to run, or frees it; a start left PENDING wakes a
    /// worker instead. A write that fails frees the slot: nothing was stored, so nothing runs.
    /// </summary>
    private async Task StoreAsync(NewWorkflow workflow, IHandOverSlot? slot)
    {
        ClaimedTask? handedOver;
        try
        {
            handedOver = await creations.CreateAsync(workflow);
        }
        catch
        {
            slot?.Free();
            throw;
        }

        if (handedOver is not null && slot is not null)
        {
            // At-least-once: the task is committed RUNNING under this worker's lease; if this process dies before the
            // handler's result is recorded, the lease sweep takes it back once the lease ends (ADR 0007).
            slot.Run(handedOver);
            // Counted as an attempt started, with no wait for a claim, as a step handed over by a completion is.
            telemetry.TaskClaimed(handedOver.WorkflowName, handedOver.TaskName, TimeSpan.Zero);
            return;
        }

        slot?.Free();
        workAvailable.Notify();
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
