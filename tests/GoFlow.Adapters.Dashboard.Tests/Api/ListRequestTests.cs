using GoFlow.Adapters.Dashboard.Api;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

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

    [Test]
    public void RefusedParameters_EveryParameterOnceInAnyCase_RefusesNothing()
    {
        var query = Query(("STATUS", "FAILED"), ("workflow_name", "OrderProcess"), ("created_after", ""), ("created_before", ""), ("Cursor", ""));

        Assert.That(ListRequest.RefusedParameters(query), Is.Empty);
    }

    [TestCase("statuss", TestName = "RefusedParameters_MisspeltFilter_IsRefusedByName")]
    [TestCase("limit", TestName = "RefusedParameters_TheRestApisLimit_IsRefusedByName")]
    [TestCase("", TestName = "RefusedParameters_EmptyName_IsRefused")]
    public void RefusedParameters_UnknownName_IsRefusedByName(string name)
    {
        var errors = ListRequest.RefusedParameters(Query(("status", "FAILED"), (name, "x")));

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { name }));
        Assert.That(errors[name][0], Does.StartWith("The list reads no parameter of this name"));
    }

    [Test]
    public void RefusedParameters_RepeatedParameter_IsRefusedByName()
    {
        var errors = ListRequest.RefusedParameters(Query(("workflow_name", "a"), ("workflow_name", "b"), ("status", "FAILED")));

        Assert.That(errors, Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["workflow_name"] = ["Send one workflow_name parameter, not several."],
        }));
    }

    [Test]
    public void RefusedParameters_ThousandsOfUnknownNames_NamesAFewOnly()
    {
        var errors = ListRequest.RefusedParameters(Query([.. Enumerable.Range(0, 2_000).Select(index => ($"p{index}", ""))]));

        Assert.That(errors, Has.Count.EqualTo(ListRequest.MaxRefusedParameters));
    }

    private static QueryCollection Query(params (string Name, string Value)[] pairs) => new(
        pairs.GroupBy(pair => pair.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(
            group => group.Key, group => new StringValues([.. group.Select(pair => pair.Value)]), StringComparer.OrdinalIgnoreCase));
}
