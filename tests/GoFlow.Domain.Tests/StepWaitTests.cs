using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

/// <summary>Wait steps (ADR 0019): what they wait for, when they end, and what they refuse.</summary>
public sealed class StepWaitTests
{
    private static readonly DateTimeOffset Now = TestClock.Start;

    [TestCase(0)]
    [TestCase(-1)]
    public void ForDuration_NotPositive_IsRefused(int minutes) =>
        Assert.That(() => StepWait.ForDuration(TimeSpan.FromMinutes(minutes)), Throws.TypeOf<DomainException>());

    [Test]
    public void ForDuration_LongerThanTheLongest_IsRefusedButTheLongestIsKept()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => StepWait.ForDuration(StepWait.Longest + TimeSpan.FromTicks(1)), Throws.TypeOf<DomainException>());
            Assert.That(StepWait.ForDuration(StepWait.Longest).For, Is.EqualTo(StepWait.Longest));
        }
    }

    [TestCase("")]
    [TestCase("  ")]
    public void Until_BlankField_IsRefused(string field) =>
        Assert.That(() => StepWait.Until(field), Throws.TypeOf<DomainException>());

    [Test]
    public void EndFor_FixedWait_EndsThatLongAfterNow() =>
        Assert.That(StepWait.ForDuration(TimeSpan.FromMinutes(10)).EndFor("{}", Now), Is.EqualTo(WaitEnd.At(Now.AddMinutes(10))));

    [TestCase("2025-01-02T05:04:05Z")]
    [TestCase("2025-01-02T07:04:05+02:00")]
    public void EndFor_UntilAFutureTime_EndsThen(string time) =>
        Assert.That(StepWait.Until("ship_at").EndFor($$"""{"ship_at": "{{time}}", "other": 1}""", Now),
            Is.EqualTo(WaitEnd.At(Now.AddHours(2))));

    [Test]
    public void EndFor_UntilAPastTime_EndsNow() =>
        Assert.That(StepWait.Until("ship_at").EndFor("""{"ship_at": "2020-01-01T00:00:00Z"}""", Now), Is.EqualTo(WaitEnd.At(Now)));

    [TestCase("""{}""", TestName = "EndFor_FieldMissing_IsRefused")]
    [TestCase("""{"ship_at": 1735787045}""", TestName = "EndFor_FieldANumber_IsRefused")]
    [TestCase("""{"ship_at": "tomorrow"}""", TestName = "EndFor_FieldNotATime_IsRefused")]
    [TestCase("""{"ship_at": "2025-01-02T05:04:05"}""", TestName = "EndFor_TimeWithoutAnOffset_IsRefused")]
    [TestCase("""{"ship_at": null}""", TestName = "EndFor_FieldNull_IsRefused")]
    [TestCase("""[1, 2]""", TestName = "EndFor_InputNotAnObject_IsRefused")]
    [TestCase("""{"ship_at": "2027-01-02T05:04:05Z"}""", TestName = "EndFor_MoreThanTheLongestAhead_IsRefused")]
    public void EndFor_UnreadableUntil_IsRefusedWithTheFieldNamed(string input)
    {
        var end = StepWait.Until("ship_at").EndFor(input, Now);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(end.Due, Is.Null);
            Assert.That(end.Error, Does.Contain("'ship_at'"));
        }
    }

    [Test]
    public void EndWhenClaimed_FixedWait_HasEnded() =>
        Assert.That(StepWait.ForDuration(TimeSpan.FromDays(3)).EndWhenClaimed("{}", Now), Is.EqualTo(WaitEnd.At(Now)));

    [Test]
    public void EndWhenClaimed_UntilAFutureTime_StillWaitsForIt() =>
        Assert.That(StepWait.Until("ship_at").EndWhenClaimed("""{"ship_at": "2025-01-02T05:04:05Z"}""", Now),
            Is.EqualTo(WaitEnd.At(Now.AddHours(2))));

    [Test]
    public void Definition_WaitNamed_MakesThatStepAWaitAndTheOthersTasks()
    {
        var wait = StepWait.ForDuration(TimeSpan.FromMinutes(10));
        var definition = new WorkflowDefinition("Shipping", ["Pack", "cool-off", "Ship"], waits: new Dictionary<string, StepWait> { ["cool-off"] = wait });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(definition.Steps.Select(step => step.Kind), Is.EqualTo(new[] { StepKind.Task, StepKind.Wait, StepKind.Task }));
            Assert.That(definition.Steps[1].Wait, Is.SameAs(wait));
            Assert.That(definition.Steps[0].DueAt("{}", Now), Is.Null, "a task step is due at once");
            Assert.That(definition.Steps[1].DueAt("{}", Now), Is.EqualTo(Now.AddMinutes(10)));
        }
    }

    [TestCase("2020-01-01T00:00:00Z", TestName = "DueAt_UntilAPastTime_IsNowSoTheStepMayBeHandedOver")]
    [TestCase("not a time", TestName = "DueAt_UntilUnreadable_IsNowAndTheClaimRefusesIt")]
    public void DueAt_WaitNotAhead_IsNull(string shipAt)
    {
        var definition = new WorkflowDefinition(
            "Shipping", ["Pack", "ship-day"], waits: new Dictionary<string, StepWait> { ["ship-day"] = StepWait.Until("ship_at") });

        Assert.That(definition.Steps[1].DueAt($$"""{"ship_at": "{{shipAt}}"}""", Now), Is.Null);
    }

    [Test]
    public void Definition_WaitNotAStep_IsRefused() =>
        Assert.That(
            () => new WorkflowDefinition("Shipping", ["Pack"], waits: new Dictionary<string, StepWait> { ["cool-off"] = StepWait.Until("x") }),
            Throws.TypeOf<DomainException>().With.Message.Contains("cool-off"));

    [Test]
    public void Definition_StepBothAWaitAndASignalStep_IsRefused() =>
        Assert.That(
            () => new WorkflowDefinition(
                "Shipping",
                ["Pack", "hold"],
                waits: new Dictionary<string, StepWait> { ["hold"] = StepWait.ForDuration(TimeSpan.FromMinutes(10)) },
                signals: new Dictionary<string, StepSignal> { ["hold"] = new("released", TimeSpan.FromHours(1)) }),
            Throws.TypeOf<DomainException>().With.Message.Contains("'hold'").And.Message.Contains("at most one"));

    [Test]
    public void Definition_WaitAndSignalSteps_EachHasItsOwnKind()
    {
        var definition = new WorkflowDefinition(
            "Shipping",
            ["cool-off", "AwaitApproval", "Ship"],
            waits: new Dictionary<string, StepWait> { ["cool-off"] = StepWait.ForDuration(TimeSpan.FromMinutes(10)) },
            signals: new Dictionary<string, StepSignal> { ["AwaitApproval"] = new("approved", TimeSpan.FromHours(1)) });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(definition.Steps.Select(step => step.Kind), Is.EqualTo(new[] { StepKind.Wait, StepKind.Signal, StepKind.Task }));
            Assert.That(definition.Steps[0].Signal, Is.Null);
            Assert.That(definition.Steps[1].Wait, Is.Null);
            Assert.That(definition.StepAwaiting("approved"), Is.SameAs(definition.Steps[1]));
        }
    }

    [Test]
    public void Create_FirstStepAWait_FirstTaskIsDueAtItsEndFromTheStart()
    {
        var definition = new WorkflowDefinition(
            "Later", ["cool-off", "Ship"], waits: new Dictionary<string, StepWait> { ["cool-off"] = StepWait.ForDuration(TimeSpan.FromHours(1)) });

        var (_, now) = WorkflowInstance.Create(definition, "{}", Now);
        var (_, delayed) = WorkflowInstance.Create(definition, "{}", Now, startAt: Now.AddDays(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(now.ScheduledAt, Is.EqualTo(Now.AddHours(1)));
            Assert.That(delayed.ScheduledAt, Is.EqualTo(Now.AddDays(1).AddHours(1)), "the wait begins at the delayed start");
        }
    }
}
