using System.Text.Json;
using FluentValidation;
using GoFlow.Ports.Driving;

namespace GoFlow.Application.UseCases;

/// <summary>
/// The rules a start request's values must meet; errors are keyed by the request's JSON field names. Whether the
/// workflow is defined is the use case's to say, as it looks the definition up anyway.
/// </summary>
internal sealed class StartWorkflowCommandValidator : AbstractValidator<StartWorkflowCommand>
{
    /// <summary>The width of <c>workflow_instances.workflow_name</c>.</summary>
    public const int MaxWorkflowNameLength = 255;

    /// <summary>The width of <c>workflow_instances.idempotency_key</c>.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>
    /// How far ahead a delayed start may be: a start years away is far more likely a typo (2062 for 2026) than a plan,
    /// and a recurring need is a schedule's.
    /// </summary>
    public static readonly TimeSpan MaxStartDelay = TimeSpan.FromDays(10 * 366);

    public StartWorkflowCommandValidator(TimeProvider clock)
    {
        RuleFor(command => command.WorkflowName)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage("workflow_name is required.")
            .MaximumLength(MaxWorkflowNameLength)
            .WithMessage($"workflow_name is longer than {MaxWorkflowNameLength} characters.")
            .OverridePropertyName("workflow_name");

        RuleFor(command => command.IdempotencyKey)
            .Must(key => key is null || (key.Length is > 0 and <= MaxIdempotencyKeyLength && !key.Any(char.IsControl)))
            .WithMessage($"The Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} characters, none of them control characters.")
            .OverridePropertyName("idempotency_key");

        RuleFor(command => command.InputPayload)
            .Must(payload => payload is null || payload.Value.ValueKind == JsonValueKind.Object)
            .WithMessage("input_payload must be a JSON object.")
            .OverridePropertyName("input_payload");

        RuleFor(command => command.StartAt)
            .Must(startAt => startAt is null || startAt.Value <= clock.GetUtcNow() + MaxStartDelay)
            .WithMessage($"start_at is more than {MaxStartDelay.Days / 366} years ahead.")
            .OverridePropertyName("start_at");
    }
}
