namespace GoFlow.Domain.Tests.Builders;

/// <summary>Builds a task in any status, reached through the legal transitions.</summary>
internal sealed class TaskBuilder
{
    public const string Owner = "worker-1";
    public const string Output = """{"validated":true}""";
    public const string Error = "order_id is missing";

    private WorkflowTaskStatus _status = WorkflowTaskStatus.Pending;
    private string _input = """{"order_id":"A-1"}""";
    private WorkflowStep _step = new(0, "ValidateOrder");

    public static DateTimeOffset LeaseExpiresAt => TestClock.Later(60);

    public TaskBuilder InStatus(WorkflowTaskStatus status)
    {
        _status = status;
        return this;
    }

    public TaskBuilder WithInput(string input)
    {
        _input = input;
        return this;
    }

    public TaskBuilder AtStep(int index, string taskName)
    {
        _step = new WorkflowStep(index, taskName);
        return this;
    }

    public WorkflowTask Build()
    {
        var task = WorkflowTask.Create(WorkflowId.New(TestClock.Start), _step, _input, TestClock.Start);
        switch (_status)
        {
            case WorkflowTaskStatus.Pending:
                break;
            case WorkflowTaskStatus.Running:
                task.Claim(Owner, LeaseExpiresAt, TestClock.Later(1));
                break;
            case WorkflowTaskStatus.Completed:
                task.Claim(Owner, LeaseExpiresAt, TestClock.Later(1));
                task.Complete(Owner, Output, TestClock.Later(2));
                break;
            case WorkflowTaskStatus.Failed:
                task.Claim(Owner, LeaseExpiresAt, TestClock.Later(1));
                task.Fail(Owner, Error, TestClock.Later(2));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_status), _status, "No way to build this status.");
        }

        return task;
    }
}
