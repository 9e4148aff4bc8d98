using GoFlow.Domain;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.Definitions;

/// <summary>The workflow definitions of the <c>Workflows</c> configuration section, read once at start.</summary>
internal sealed class ConfiguredWorkflowDefinitions : IWorkflowDefinitions
{
    private readonly Dictionary<string, WorkflowDefinition> _byName;

    public ConfiguredWorkflowDefinitions(IOptions<WorkflowsOptions> options, IOptions<TaskPolicyOptions> defaults)
    {
        _byName = options.Value.ToDictionary(
            entry => entry.Key,
            entry => TaskPolicies.ToDefinition(entry.Key, entry.Value, defaults.Value),
            StringComparer.Ordinal);
        All = [.. _byName.Values.OrderBy(definition => definition.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<WorkflowDefinition> All { get; }

    public WorkflowDefinition? Find(string name) => _byName.GetValueOrDefault(name);
}
