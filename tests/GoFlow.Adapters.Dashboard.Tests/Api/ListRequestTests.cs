using GoFlow.Adapters.Dashboard.Api;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Dashboard.Tests.Api;

public sealed class ListRequestTests
{
    [Test]
    public void Parse_EmptyFields_ReadsAsNoFilter()
    {
        var query = new ListRequest("", "", "", "", "").Parse(out var errors);

        Assert.That(errors, Is.Empty);
        Assert.That(query, Is.EqualTo(new WorkflowListQuery(null, null, null, null, ListRequest.PageSize, null)));
    }

    [Test]
    public void Parse_EveryFilter_BecomesTheQuery()
    {
        var query = new ListRequest("FAILED", "OrderProcess", "2030-01-02T03:04:05.000Z", "2030-01-03T00:00:00Z", null)
            .Parse(out var errors);

        Assert.That(errors, Is.Empty);
        Assert.That(query!.Status, Is.EqualTo(WorkflowStatus.Failed));
        Assert.That(query.WorkflowName, Is.EqualTo("OrderProcess"));
        Assert.That(query.CreatedAfter, Is.EqualTo(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        Assert.That(query.CreatedBefore, Is.EqualTo(new DateTimeOffset(2030, 1, 3, 0, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("failed", "status", TestName = "Parse_LowerCaseStatus_IsRefused")]
    [TestCase("DONE", "status", TestName = "Parse_UnknownStatus_IsRefused")]
    public void Parse_BadStatus_NamesTheParameter(string status, string parameter)
    {
        Assert.That(new ListRequest(status, null, null, null, null).Parse(out var errors), Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { parameter }));
    }

    [TestCase("2030-01-02T03:04:05", TestName = "Parse_TimeWithoutZ_IsRefused")]
    [TestCase("0001-01-01T00:00:00Z", TestName = "Parse_TimeBeforeTheStoresRange_IsRefused")]
    [TestCase("yesterday", TestName = "Parse_TimeThatIsNoTime_IsRefused")]
    public void Parse_BadTime_NamesTheParameter(string time)
    {
        Assert.That(new ListRequest(null, null, time, null, null).Parse(out var errors), Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "created_after" }));
    }

    [Test]
    public void Parse_NameLongerThanTheColumn_IsRefused()
    {
        Assert.That(new ListRequest(null, new string('n', 256), null, null, null).Parse(out var errors), Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "workflow_name" }));
    }

    [Test]
    public void Cursor_Encoded_DecodesToTheSamePosition()
    {
        var position = new WorkflowListPosition(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 123, TimeSpan.Zero), WorkflowId.New(DateTimeOffset.UnixEpoch));

        var query = new ListRequest(null, null, null, null, ListCursor.Encode(position)).Parse(out var errors);

        Assert.That(errors, Is.Empty);
        Assert.That(query!.After, Is.EqualTo(position));
    }

    [TestCase("not a cursor")]
    [TestCase("MTIz")]
    [TestCase("LTE6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA")]
    public void Parse_CursorThisPageDidNotWrite_IsRefused(string cursor)
    {
        Assert.That(new ListRequest(null, null, null, null, cursor).Parse(out var errors), Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "cursor" }));
    }
}
