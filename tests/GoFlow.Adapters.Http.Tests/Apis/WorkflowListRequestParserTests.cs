using GoFlow.Adapters.Http.Apis;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Apis;

public sealed class WorkflowListRequestParserTests
{
    private static readonly WorkflowListRequest Empty = new(null, null, null, null, null, null);

    [Test]
    public void Parse_NothingGiven_FirstPageOfFiftyUnfiltered()
    {
        var query = WorkflowListRequestParser.Parse(Empty, SentOnce, out var errors);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Is.Empty);
            Assert.That(query, Is.EqualTo(new GoFlow.Ports.ReadModels.WorkflowListQuery(null, null, null, null, 50, null)));
        }
    }

    [TestCase("PENDING", WorkflowStatus.Pending)]
    [TestCase("RUNNING", WorkflowStatus.Running)]
    [TestCase("COMPLETED", WorkflowStatus.Completed)]
    [TestCase("FAILED", WorkflowStatus.Failed)]
    [TestCase("CANCELLED", WorkflowStatus.Cancelled)]
    public void Parse_StatusName_IsThatStatus(string name, WorkflowStatus status)
    {
        var query = WorkflowListRequestParser.Parse(Empty with { Status = name }, SentOnce, out _);

        Assert.That(query?.Status, Is.EqualTo(status));
    }

    [TestCase("pending")]
    [TestCase("Failed")]
    [TestCase("CANCELED")]
    [TestCase(" FAILED")]
    [TestCase("FAILED,PENDING")]
    [TestCase("")]
    public void Parse_NotAStatusNameAsWritten_IsRefused(string text)
    {
        var query = WorkflowListRequestParser.Parse(Empty with { Status = text }, SentOnce, out var errors);

        Assert.That(query, Is.Null);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "status" }));
    }

    [TestCase("1", 1)]
    [TestCase("500", 500)]
    [TestCase("050", 50)]
    public void Parse_LimitInRange_IsTaken(string text, int limit)
    {
        Assert.That(WorkflowListRequestParser.Parse(Empty with { Limit = text }, SentOnce, out _)?.Limit, Is.EqualTo(limit));
    }

    [TestCase("0")]
    [TestCase("501")]
    [TestCase("-5")]
    [TestCase("+5")]
    [TestCase(" 5")]
    [TestCase("5.0")]
    [TestCase("1e2")]
    [TestCase("٥")]
    [TestCase("2147483648")]
    [TestCase("")]
    public void Parse_LimitNotAWholeNumberFrom1To500_IsRefused(string text)
    {
        var query = WorkflowListRequestParser.Parse(Empty with { Limit = text }, SentOnce, out var errors);

        Assert.That(query, Is.Null);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "limit" }));
    }

    [TestCase("2025-01-02T03:04:05Z", "2025-01-02T03:04:05+00:00")]
    [TestCase("2025-01-02T03:04Z", "2025-01-02T03:04:00+00:00")]
    [TestCase("2025-01-02T05:04:05.1234567+02:00", "2025-01-02T03:04:05.1234567+00:00")]
    [TestCase("2025-01-01T22:04:05-05:00", "2025-01-02T03:04:05+00:00")]
    public void Parse_TimeWithOffset_IsThatInstant(string text, string instant)
    {
        var expected = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        var query = WorkflowListRequestParser.Parse(Empty with { CreatedAfter = text, CreatedBefore = text }, SentOnce, out var errors);

        Assert.That(errors, Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(query!.CreatedAfter, Is.EqualTo(expected));
            Assert.That(query.CreatedBefore, Is.EqualTo(expected));
        }
    }

    [TestCase("2025-01-02T03:04:05")]
    [TestCase("2025-01-02")]
    [TestCase("2025-01-02 03:04:05Z")]
    [TestCase("2025-01-02T03:04:05 01:00")]
    [TestCase("2025-01-02T03:04:05.12345678Z")]
    [TestCase("2025-02-30T03:04:05Z")]
    [TestCase("2025-01-02T03:04:05+15:00")]
    [TestCase("2025-01-02T03:04:05Z\n")]
    [TestCase("１２３４-01-02T03:04:05Z")]
    [TestCase("01/02/2025 03:04:05 +00:00")]
    [TestCase("1735787045")]
    public void Parse_TimeNotIso8601WithOffset_IsRefusedNamingTheParameter(string text)
    {
        var query = WorkflowListRequestParser.Parse(Empty with { CreatedAfter = text }, SentOnce, out var errors);

        Assert.That(query, Is.Null);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "created_after" }));
    }

    [Test]
    public void Parse_OffsetWhosePlusBecameASpace_SaysHowToSendIt()
    {
        WorkflowListRequestParser.Parse(Empty with { CreatedBefore = "2025-01-02T03:04:05 01:00" }, SentOnce, out var errors);

        Assert.That(errors["created_before"][0], Does.Contain("%2B"));
    }

    [Test]
    public void Parse_EmptyWorkflowName_IsRefused()
    {
        WorkflowListRequestParser.Parse(Empty with { WorkflowName = string.Empty }, SentOnce, out var errors);

        Assert.That(errors.Keys, Is.EqualTo(new[] { "workflow_name" }));
    }

    [Test]
    public void Parse_WorkflowNameLongerThanTheColumn_IsRefused()
    {
        WorkflowListRequestParser.Parse(Empty with { WorkflowName = new string('w', 256) }, SentOnce, out var errors);

        Assert.That(errors.Keys, Is.EqualTo(new[] { "workflow_name" }));
    }

    [Test]
    public void Parse_WorkflowName_IsTakenAsGiven()
    {
        Assert.That(WorkflowListRequestParser.Parse(Empty with { WorkflowName = "OrderProcess" }, SentOnce, out _)?.WorkflowName,
            Is.EqualTo("OrderProcess"));
    }

    [TestCase("workflow_name")]
    [TestCase("status")]
    [TestCase("cursor")]
    public void Parse_ParameterSentTwice_IsRefusedNamingIt(string parameter)
    {
        var query = WorkflowListRequestParser.Parse(
            Empty with { WorkflowName = "OrderProcess,UserOnboarding" }, name => name == parameter ? 2 : 1, out var errors);

        Assert.That(query, Is.Null);
        Assert.That(errors[parameter], Is.EqualTo(new[] { $"Send one {parameter} parameter, not several." }));
    }

    private static int SentOnce(string parameter) => 1;
}
