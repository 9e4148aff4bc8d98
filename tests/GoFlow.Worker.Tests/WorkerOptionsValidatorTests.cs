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

    [TestCase(200, 200)]
    [TestCase(200, 1)]
    public void Validate_BusyShareAtMostTheWhole_Succeeds(int maxConcurrency, int whileApiBusy)
    {
        var options = new WorkerOptions { MaxConcurrency = maxConcurrency, MaxConcurrencyWhileApiBusy = whileApiBusy };

        Assert.That(new WorkerOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [Test]
    public void Validate_BusyShareAboveTheWhole_FailsNamingBoth()
    {
        var options = new WorkerOptions { MaxConcurrency = 8, MaxConcurrencyWhileApiBusy = 9 };

        var result = new WorkerOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Worker:MaxConcurrencyWhileApiBusy").And.Contain("Worker:MaxConcurrency ("));
    }
}
