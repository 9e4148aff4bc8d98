using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.UseCases;

internal sealed class GetWorkflow(IWorkflowRepository repository, IWorkflowDefinitions definitions) : IGetWorkflow
{
    public async Task<WorkflowDetails?> GetAsync(GetWorkflowQuery query, CancellationToken cancellationToken)
    {
        var details = await repository.FindAsync(query.Id, cancellationToken);
        if (details is null || details.Tasks.All(task => task.Status != WorkflowTaskStatus.Waiting))
        {
            return details;
        }

        // A waiting task shows what it waits for: the store keeps its timeout (scheduled_at), the definition its signal.
        var definition = definitions.Find(details.Workflow.WorkflowName);
        return details with
        {
            Tasks = [.. details.Tasks.Select(task => task.Status == WorkflowTaskStatus.Waiting
                ? task with { WaitingForSignal = definition?.StepAt(task.StepIndex)?.Signal?.Name }
                : task)],
        };
    }
}
