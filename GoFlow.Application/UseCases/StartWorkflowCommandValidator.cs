using System.Text.Json;
using FluentValidation;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

/// <summary>The rules a start request must meet; errors are keyed by the request's JSON field names.</summary>
internal sealed class StartWorkflowCommandValidator : AbstractValidator<StartWorkflowCommand>
{
    /// <summary>The width of <c>workflow_instances.workflow_name</c>.</summary>
    public const int MaxWorkflowNameLength = 255;

    /// <summary>The width of <c>workflow_instances.idempotency_key</c>.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    public StartWorkflowCommandValidator(IWorkflowDefinitions definitions)
    {
        RuleFor(command => command.WorkflowName)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage("workflow_name is required.")
            .MaximumLength(MaxWorkflowNameLength)
            .WithMessage($"workflow_name is longer than {MaxWorkflowNameLength} characters.")
            .Must(name => definitions.Find(name!) is not null)
            .WithMessage(command =>
                $"Unknown workflow '{command.WorkflowName}'. Defined workflows: " +
                string.Join(", ", definitions.All.Select(definition => definition.Name)) + ".")
            .OverridePropertyName("workflow_name");

        RuleFor(command => command.IdempotencyKey)
            .Must(key => key is null || (key.Length is > 0 and <= MaxIdempotencyKeyLength && !key.Any(char.IsControl)))
            .WithMessage($"The Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} characters, none of them control characters.")
            .OverridePropertyName("idempotency_key");

        RuleFor(command => command.InputPayload)
            .Must(payload => payload is null || payload.Value.ValueKind == JsonValueKind.Object)
            .WithMessage("input_payload must be a JSON object.")
            .OverridePropertyName("input_payload");
    }
}
