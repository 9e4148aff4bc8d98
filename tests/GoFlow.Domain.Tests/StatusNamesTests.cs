namespace GoFlow.Domain.Tests;

public sealed class StatusNamesTests
{
    [TestCase(WorkflowStatus.Pending, "PENDING")]
    [TestCase(WorkflowStatus.Running, "RUNNING")]
    [TestCase(WorkflowStatus.Completed, "COMPLETED")]
    [TestCase(WorkflowStatus.Failed, "FAILED")]
    public void ToName_WorkflowStatus_IsTheOriginalNameAndRoundTrips(WorkflowStatus status, string name)
    {
        Assert.Multiple(() =>
        {
            Assert.That(status.ToName(), Is.EqualTo(name));
            Assert.That(StatusNames.ToWorkflowStatus(name), Is.EqualTo(status));
        });
    }

    [TestCase(WorkflowTaskStatus.Pending, "PENDING")]
    [TestCase(WorkflowTaskStatus.Running, "RUNNING")]
    [TestCase(WorkflowTaskStatus.Completed, "COMPLETED")]
    [TestCase(WorkflowTaskStatus.Failed, "FAILED")]
    public void ToName_TaskStatus_IsTheOriginalNameAndRoundTrips(WorkflowTaskStatus status, string name)
    {
        Assert.Multiple(() =>
        {
            Assert.That(status.ToName(), Is.EqualTo(name));
            Assert.That(StatusNames.ToTaskStatus(name), Is.EqualTo(status));
        });
    }

    // Guards the enums: a status added without a name would fail here, not in a store at run time.
    [Test]
    public void ToName_EveryDefinedStatus_HasADistinctNameThatRoundTrips()
    {
        var workflowNames = Enum.GetValues<WorkflowStatus>().Select(status => status.ToName()).ToList();
        var taskNames = Enum.GetValues<WorkflowTaskStatus>().Select(status => status.ToName()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(workflowNames, Is.Unique);
            Assert.That(taskNames, Is.Unique);
            Assert.That(workflowNames.Select(StatusNames.ToWorkflowStatus), Is.EqualTo(Enum.GetValues<WorkflowStatus>()));
            Assert.That(taskNames.Select(StatusNames.ToTaskStatus), Is.EqualTo(Enum.GetValues<WorkflowTaskStatus>()));
        });
    }

    [TestCase("pending")]
    [TestCase("Running")]
    [TestCase("DONE")]
    [TestCase("")]
    [TestCase(" PENDING")]
    public void ToWorkflowStatus_UnknownName_ThrowsDomainException(string name)
    {
        Assert.Throws<DomainException>(() => StatusNames.ToWorkflowStatus(name));
    }

    [TestCase("failed")]
    [TestCase("RETRYING")]
    [TestCase("")]
    public void ToTaskStatus_UnknownName_ThrowsDomainException(string name)
    {
        Assert.Throws<DomainException>(() => StatusNames.ToTaskStatus(name));
    }

    [Test]
    public void ToName_UndefinedEnumValue_ThrowsDomainException()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<DomainException>(() => ((WorkflowStatus)42).ToName());
            Assert.Throws<DomainException>(() => ((WorkflowTaskStatus)42).ToName());
        });
    }
}
