using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.Definitions;

/// <summary>
/// Checks at start that every definition has tasks, that every task but a wait or signal step has a registered
/// <see cref="ITaskHandler"/>, and that every wait and signal is a step with valid settings, so a typo in configuration
/// stops the host instead of failing workflows at run time.
/// </summary>
internal sealed class WorkflowsOptionsValidator(
    IServiceProviderIsKeyedService keyedServices,
    IOptions<TaskPolicyOptions> defaults) : IValidateOptions<WorkflowsOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowsOptions options)
    {
        var failures = new List<string>();
        foreach (var (workflowName, workflow) in options)
        {
            if (workflow.Tasks.Count == 0)
            {
                failures.Add($"Workflows:{workflowName}:Tasks is empty: a workflow needs at least one task.");
            }

            foreach (var taskName in workflow.Tasks)
            {
                if (string.IsNullOrWhiteSpace(taskName))
                {
                    failures.Add($"Workflows:{workflowName}:Tasks has a blank task name.");
                }
                else if (!workflow.Waits.ContainsKey(taskName) && !workflow.Signals.ContainsKey(taskName)
                    && !keyedServices.IsKeyedService(typeof(ITaskHandler), taskName))
                {
                    failures.Add(
                        $"Workflows:{workflowName} names task '{taskName}', but no handler is registered for it " +
                        $"(services.AddGoFlowTaskHandler<THandler>(\"{taskName}\")).");
                }
            }

            foreach (var configuredTask in workflow.TaskSettings.Keys.Except(workflow.Tasks))
            {
                failures.Add($"Workflows:{workflowName}:TaskSettings names '{configuredTask}', which is not one of its tasks.");
            }

            foreach (var signalStep in workflow.Signals.Keys.Except(workflow.Tasks))
            {
                failures.Add($"Workflows:{workflowName}:Signals names '{signalStep}', which is not one of its tasks.");
            }

            foreach (var (waitName, wait) in workflow.Waits)
            {
                if (!workflow.Tasks.Contains(waitName))
                {
                    failures.Add($"Workflows:{workflowName}:Waits names '{waitName}', which is not one of its tasks.");
                    continue;
                }

                try
                {
                    wait.ToStepWait();
                }
                catch (DomainException exception)
                {
                    failures.Add($"Workflows:{workflowName}:Waits:{waitName} is invalid: {exception.Message}");
                }
            }

            if (failures.Count == 0)
            {
                try
                {
                    TaskPolicies.ToDefinition(workflowName, workflow, defaults.Value);
                }
                catch (DomainException exception)
                {
                    failures.Add($"Workflows:{workflowName} has an invalid retry, timeout or signal setting: {exception.Message}");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
