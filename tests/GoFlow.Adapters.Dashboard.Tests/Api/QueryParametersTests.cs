using GoFlow.Adapters.Dashboard.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace GoFlow.Adapters.Dashboard.Tests.Api;

public sealed class QueryParametersTests
{
    [Test]
    public void Refused_EveryListParameterOnceInAnyCase_RefusesNothing()
    {
        var query = Query(("STATUS", "FAILED"), ("workflow_name", "OrderProcess"), ("created_after", ""), ("created_before", ""), ("Cursor", ""));

        Assert.That(QueryParameters.Refused(query, ListRequest.Parameters), Is.Empty);
    }

    [TestCase("statuss", TestName = "Refused_MisspeltListFilter_IsRefusedByName")]
    [TestCase("limit", TestName = "Refused_TheRestApisLimitOnTheList_IsRefusedByName")]
    [TestCase("", TestName = "Refused_EmptyNameOnTheList_IsRefused")]
    public void Refused_UnknownNameOnTheList_IsRefusedByName(string name)
    {
        var errors = QueryParameters.Refused(Query(("status", "FAILED"), (name, "x")), ListRequest.Parameters);

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { name }));
        Assert.That(errors[name][0], Does.StartWith("This read takes no parameter of this name; it reads status, workflow_name"));
    }

    [Test]
    public void Refused_RepeatedListParameter_IsRefusedByName()
    {
        var errors = QueryParameters.Refused(Query(("workflow_name", "a"), ("workflow_name", "b"), ("status", "FAILED")), ListRequest.Parameters);

        Assert.That(errors, Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["workflow_name"] = ["Send one workflow_name parameter, not several."],
        }));
    }

    [Test]
    public void Refused_AnyNameOnAReadOfNone_IsRefusedByName()
    {
        var errors = QueryParameters.Refused(Query(("v", "1"), ("status", "FAILED")), []);

        Assert.That(errors, Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["v"] = ["This read takes no query parameters."],
            ["status"] = ["This read takes no query parameters."],
        }));
    }

    [Test]
    public void Refused_RepeatedSearchText_IsRefusedByName()
    {
        var errors = QueryParameters.Refused(Query(("q", "a"), ("Q", "b")), [DashboardApi.SearchParameter]);

        Assert.That(errors, Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["q"] = ["Send one q parameter, not several."],
        }));
    }

    [Test]
    public void Refused_ThousandsOfUnknownNames_NamesAFewOnly()
    {
        var errors = QueryParameters.Refused(Query([.. Enumerable.Range(0, 2_000).Select(index => ($"p{index}", ""))]), ListRequest.Parameters);

        Assert.That(errors, Has.Count.EqualTo(QueryParameters.MaxRefused));
    }

    /// <summary>A query as the server collects it: names matched ignoring case, a repeated name's values together.</summary>
    private static QueryCollection Query(params (string Name, string Value)[] pairs) => new(
        pairs.GroupBy(pair => pair.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(
            group => group.Key, group => new StringValues([.. group.Select(pair => pair.Value)]), StringComparer.OrdinalIgnoreCase));
}
