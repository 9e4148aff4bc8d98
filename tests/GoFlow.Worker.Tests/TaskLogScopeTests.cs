namespace GoFlow.Worker.Tests;

public sealed class TaskLogScopeTests
{
    [Test]
    public void Pairs_ClaimedTask_NameTheWorkflowTaskNameAndAttemptWithTheirTypes()
    {
        var task = WorkerHarness.Tasks(3)[2];

        var scope = new TaskLogScope(task);

        Assert.That(scope, Is.EqualTo(new KeyValuePair<string, object?>[]
        {
            new("WorkflowId", task.WorkflowId.ToString()),
            new("TaskId", 3L),
            new("TaskName", "ValidateOrder"),
            new("Attempt", 1),
        }));
    }

    [Test]
    public void ToString_ClaimedTask_ListsThePairsForThePlainConsole()
    {
        var task = WorkerHarness.Tasks(1)[0];

        var text = new TaskLogScope(task).ToString();

        Assert.That(text, Is.EqualTo($"WorkflowId:{task.WorkflowId} TaskId:1 TaskName:ValidateOrder Attempt:1"));
    }
}
