using System.Net;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The routes the host maps outside the API (the probes, the metrics, the dashboard's pages, assets and reads) through
/// the real host: GET and HEAD answer, every other method is a 405 problem with <c>Allow: GET, HEAD</c> and changes
/// nothing. (A link checker or an uptime probe sends HEAD; RFC 9110 section 9.3.2.)
/// </summary>
public sealed class ReadRouteMethodsTests
{
    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(Store.Sqlite);
        _host = await TestHost.StartAsync(_store, TestHost.ApiOnly);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    [TestCase("/metrics")]
    [TestCase("/dashboard")]
    [TestCase("/dashboard/workflows")]
    [TestCase("/dashboard/start")]
    [TestCase("/dashboard/assets/app.js")]
    [TestCase("/dashboard/api/overview")]
    [TestCase("/dashboard/api/definitions")]
    [TestCase("/dashboard/api/workflows?status=FAILED")]
    [TestCase("/dashboard/api/workflows/01a24395-28ab-7388-8cd6-d7b4cccd9ded")]
    [TestCase("/dashboard/api/search?q=no-such-key")]
    public async Task ReadRoute_GetAndHead_AreAnswered(string path)
    {
        using var get = await _host.Client.GetAsync(path);
        using var head = await _host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.That(get.StatusCode, Is.Not.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(head.StatusCode, Is.EqualTo(get.StatusCode));
    }

    [TestCase("PUT", "/health/live")]
    [TestCase("DELETE", "/health/ready")]
    [TestCase("PATCH", "/health/live")]
    [TestCase("POST", "/health/ready")]
    [TestCase("PUT", "/metrics")]
    [TestCase("DELETE", "/metrics")]
    [TestCase("PATCH", "/metrics")]
    [TestCase("POST", "/metrics")]
    [TestCase("DELETE", "/dashboard/workflows")]
    [TestCase("PUT", "/dashboard/api/overview")]
    [TestCase("POST", "/dashboard/api/search?q=x")]
    public async Task ReadRoute_OtherMethods_Answer405ProblemWithAllow(string method, string path)
    {
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await HttpJson.ReadProblemAsync(response, 405);
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
    }
}
