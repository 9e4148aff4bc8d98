using System.Net;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The routes the host maps outside the API (the probes, the metrics) through the real host: GET and HEAD answer,
/// every other method is a 405 problem with <c>Allow: GET, HEAD</c> and changes nothing.
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
    public async Task ReadRoute_OtherMethods_Answer405ProblemWithAllow(string method, string path)
    {
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await HttpJson.ReadProblemAsync(response, 405);
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD" }));
    }
}
