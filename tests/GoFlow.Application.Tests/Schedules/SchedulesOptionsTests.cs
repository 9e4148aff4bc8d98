using GoFlow.Application.Definitions;
using GoFlow.Application.Schedules;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.Tests.Schedules;

public sealed class SchedulesOptionsTests
{
    [Test]
    public void Validate_GoodSchedule_Succeeds()
    {
        var result = Validate(new ScheduleOptions { Workflow = "Report", Cron = "*/5 * * * *", TimeZone = "Europe/Berlin" });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase("Nightly", "Missing", "0 2 * * *", "UTC", "{}", "not a defined workflow")]
    [TestCase("Nightly", null, "0 2 * * *", "UTC", "{}", "Workflow is required")]
    [TestCase("Nightly", "Report", "0 25 * * *", "UTC", "{}", "not a cron expression")]
    [TestCase("Nightly", "Report", "every night", "UTC", "{}", "not a cron expression")]
    [TestCase("Nightly", "Report", null, "UTC", "{}", "not a cron expression")]
    [TestCase("Nightly", "Report", "0 2 * * *", "Mars/Olympus", "{}", "not a time zone")]
    [TestCase("Nightly", "Report", "0 2 * * *", "UTC", "[1]", "Input must be a JSON object")]
    [TestCase("Nightly", "Report", "0 2 * * *", "UTC", "{", "Input must be a JSON object")]
    [TestCase("night ly", "Report", "0 2 * * *", "UTC", "{}", "a schedule name is")]
    [TestCase("../x", "Report", "0 2 * * *", "UTC", "{}", "a schedule name is")]
    public void Validate_BadSchedule_FailsNamingTheSetting(
        string name, string? workflow, string? cron, string timeZone, string input, string expected)
    {
        var result = Validate(new ScheduleOptions { Workflow = workflow, Cron = cron, TimeZone = timeZone, Input = input }, name);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain(expected).And.Contain($"Schedules:{name}"));
    }

    [TestCase("Alow", "Overlap is 'Alow': it is Skip or Allow")]
    [TestCase("", "Overlap is '': it is Skip or Allow")]
    public void Validate_UnknownOverlap_FailsNamingTheValue(string overlap, string expected)
    {
        var result = Validate(new ScheduleOptions { Workflow = "Report", Cron = "0 2 * * *", Overlap = overlap });

        Assert.That(result.FailureMessage, Does.Contain(expected));
    }

    [Test]
    public void Validate_PolicyInAnotherCase_Succeeds()
    {
        var result = Validate(new ScheduleOptions { Workflow = "Report", Cron = "0 2 * * *", Overlap = "allow", CatchUp = "ONE" });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Validate_NameLongerThanAKeyAllows_Fails()
    {
        var result = Validate(new ScheduleOptions { Workflow = "Report", Cron = "0 2 * * *" }, new string('n', Schedule.MaxNameLength + 1));

        Assert.That(result.Failed, Is.True);
    }

    [Test]
    public void NextAfter_SixFields_ReadsSecondsFirst()
    {
        var errors = new List<string>();
        var schedule = Schedule.TryCreate("s", new ScheduleOptions { Workflow = "Report", Cron = "30 * * * * *" }, errors)!;

        Assert.That(schedule.NextAfter(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero)));
    }

    private static ValidateOptionsResult Validate(ScheduleOptions schedule, string name = "Nightly")
    {
        var workflows = new WorkflowsOptions { ["Report"] = new WorkflowOptions { Tasks = ["BuildReport"] } };
        return new SchedulesOptionsValidator(Options.Create(workflows)).Validate(null, new SchedulesOptions { [name] = schedule });
    }
}
