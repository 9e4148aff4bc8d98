using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Http.Tests.Support;

/// <summary>Builders of the read models the mocked ports return.</summary>
internal static class ReadModels
{
    public static readonly WorkflowId WorkflowId = new(Guid.Parse("01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f"));

    // An offset other than zero, to prove the answer converts to UTC rather than printing the offset.
    public static readonly DateTimeOffset CreatedAt = new(2025, 1, 2, 5, 4, 5, 123, 456, TimeSpan.FromHours(2));

    public static WorkflowView Workflow(
        WorkflowStatus status = WorkflowStatus.Pending, string currentInput = """{"order_id":"A-1","amount":42}""") =>
        new(WorkflowId, "OrderProcess", status, currentInput, CreatedAt, CreatedAt.AddSeconds(1));

    public static TaskView Task(
        long id,
        int stepIndex,
        string taskName,
        WorkflowTaskStatus status,
        string input = """{"order_id":"A-1"}""",
        string? output = null,
        string? error = null) =>
        new(new TaskId(id), stepIndex, taskName, status, Attempt: status == WorkflowTaskStatus.Pending ? 0 : 1,
            MaxAttempts: 3, ScheduledAt: CreatedAt, input, output, error, CreatedAt, CreatedAt.AddSeconds(stepIndex),
            WorkerId: status == WorkflowTaskStatus.Pending ? null : "worker-a");
}
