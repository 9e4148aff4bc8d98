namespace GoFlow.Worker.Tests;

public sealed class WorkerOptionsValidatorTests
{
    [Test]
    public void Validate_LeaseLongerThanHeartbeat_Succeeds()
    {
        var options = new WorkerOptions { LeaseDuration = TimeSpan.FromSeconds(30), HeartbeatInterval = TimeSpan.FromSeconds(10) };

        Assert.That(new WorkerOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [TestCase(10, 10)]
    [TestCase(5, 10)]
    public void Validate_LeaseNotLongerThanHeartbeat_FailsNamingBoth(int leaseSeconds, int heartbeatSeconds)
    {
        var options = new WorkerOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            HeartbeatInterval = TimeSpan.FromSeconds(heartbeatSeconds),
        };

        var result = new WorkerOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Worker:LeaseDuration").And.Contain("Worker:HeartbeatInterval"));
    }
}
