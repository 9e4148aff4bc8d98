using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

internal sealed class ListWorkflowDefinitions(IWorkflowDefinitions definitions) : IListWorkflowDefinitions
{
    public IReadOnlyList<WorkflowDefinition> List() => definitions.All;
}
