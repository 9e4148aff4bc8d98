using System.Text.Json.Nodes;

namespace GoFlow.Client.Tests;

/// <summary>The client's delayed start and schedule calls against the real host (API only, so nothing runs or fires).</summary>
public sealed class ScheduleCallsTests
{
    private ClientHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new ClientHost(new()
    {
        ["GoFlow:Roles"] = "Api",
        ["Schedules:Nightly:Workflow"] = "OrderProcess",
        ["Schedules:Nightly:Cron"] = "0 2 * * *",
        ["Schedules:Nightly:Input"] = """{"order_id": "nightly"}""",
    });

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [Test]
    public async Task StartLater_InADay_IsStoredPendingWithItsFirstTaskDueThen()
    {
        var startAt = new DateTimeOffset(DateTime.UtcNow.AddDays(1).Date, TimeSpan.Zero).AddHours(9).ToOffset(TimeSpan.FromHours(2));

        var started = await _host.Client.StartLaterAsync("OrderProcess", startAt, new JsonObject { ["order_id"] = "L-1" });

        var read = await _host.Client.GetAsync(started.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Status, Is.EqualTo(GoFlowStatus.Pending));
            Assert.That(new DateTimeOffset(read.Tasks[0].ScheduledAt, TimeSpan.Zero), Is.EqualTo(startAt));
        }
    }

    [Test]
    public async Task PauseResumeAndTrigger_KnownSchedule_ChangeItAndStartItsWorkflow()
    {
        var paused = await _host.Client.PauseScheduleAsync("Nightly");
        var listed = (await _host.Client.GetSchedulesAsync()).Single();
        var resumed = await _host.Client.ResumeScheduleAsync("Nightly");
        var triggered = await _host.Client.TriggerScheduleAsync("Nightly");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paused.Paused, Is.True);
            Assert.That(paused.NextFireAt, Is.Null);
            Assert.That(listed.Name, Is.EqualTo("Nightly"));
            Assert.That(listed.Paused, Is.True);
            Assert.That(resumed.Paused, Is.False);
            Assert.That(resumed.NextFireAt?.TimeOfDay, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(triggered.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(triggered.CurrentInput["order_id"]?.GetValue<string>(), Is.EqualTo("nightly"));
        }
    }

    [Test]
    public void Trigger_UnknownSchedule_ThrowsNotFound()
    {
        Assert.ThrowsAsync<GoFlowNotFoundException>(() => _host.Client.TriggerScheduleAsync("Weekly"));
    }

    [TestCase("")]
    [TestCase("..")]
    public void Pause_NameThatCannotBeAPathSegment_IsRefusedBeforeSending(string name)
    {
        Assert.ThrowsAsync(Is.InstanceOf<ArgumentException>(), () => _host.Client.PauseScheduleAsync(name));
    }
}
