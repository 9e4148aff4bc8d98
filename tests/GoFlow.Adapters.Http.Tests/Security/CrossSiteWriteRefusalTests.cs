using GoFlow.Adapters.Http.Security;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Tests.Security;

/// <summary>Which requests <see cref="CrossSiteWriteRefusal"/> takes for a browser's cross-site ones, header by header.</summary>
public sealed class CrossSiteWriteRefusalTests
{
    [TestCase("cross-site", ExpectedResult = true)]
    [TestCase("same-site", ExpectedResult = true)]
    [TestCase("same-origin", ExpectedResult = false)]
    [TestCase("none", ExpectedResult = false)]
    public bool IsCrossSite_SecFetchSite_DecidesAlone(string site) =>
        CrossSiteWriteRefusal.IsCrossSite(Request(("Sec-Fetch-Site", site), ("Origin", "http://localhost:8080")));

    [Test]
    public void IsCrossSite_SameOriginSecFetchSiteWithAnotherOrigin_IsNotCrossSite() =>
        Assert.That(CrossSiteWriteRefusal.IsCrossSite(Request(("Sec-Fetch-Site", "same-origin"), ("Origin", "https://evil.example"))), Is.False,
            "the browser's own word wins: a proxy may have rewritten the Host the Origin is compared with");

    [TestCase("http://localhost:8080", ExpectedResult = false)]
    [TestCase("http://LOCALHOST:8080", ExpectedResult = false)]
    [TestCase("http://localhost:8081", ExpectedResult = true)]
    [TestCase("https://evil.example", ExpectedResult = true)]
    [TestCase("null", ExpectedResult = true)]
    [TestCase("not an origin", ExpectedResult = true)]
    public bool IsCrossSite_OnlyAnOrigin_ComparesItWithTheHost(string origin) =>
        CrossSiteWriteRefusal.IsCrossSite(Request(("Origin", origin)));

    [TestCase("x:443", "https://x", ExpectedResult = false)]
    [TestCase("x", "http://x:80", ExpectedResult = false)]
    [TestCase("x", "http://x:8080", ExpectedResult = true)]
    [TestCase("x:80", "https://x", ExpectedResult = true)]
    [TestCase("[::1]:8080", "http://[::1]:8080", ExpectedResult = false)]
    [TestCase("[::1]:8080", "http://[::2]:8080", ExpectedResult = true)]
    public bool IsCrossSite_OnlyAnOrigin_TakesALeftOutPortForTheSchemesDefault(string host, string origin)
    {
        var request = Request(("Origin", origin));
        request.Host = new HostString(host);
        return CrossSiteWriteRefusal.IsCrossSite(request);
    }

    [Test]
    public void IsCrossSite_TwoOrigins_IsCrossSite()
    {
        var request = Request(("Origin", "http://localhost:8080"), ("Origin", "http://localhost:8080"));

        Assert.That(CrossSiteWriteRefusal.IsCrossSite(request), Is.True);
    }

    [Test]
    public void IsCrossSite_NeitherHeader_IsNotCrossSite() =>
        Assert.That(CrossSiteWriteRefusal.IsCrossSite(Request()), Is.False, "clients that are not browsers send neither");

    [Test]
    public void IsCrossSite_TwoSecFetchSiteValues_IsCrossSite()
    {
        var request = Request();
        request.Headers.Append("Sec-Fetch-Site", "same-origin");
        request.Headers.Append("Sec-Fetch-Site", "cross-site");

        Assert.That(CrossSiteWriteRefusal.IsCrossSite(request), Is.True);
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Host = new HostString("localhost:8080");
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context.Request;
    }
}
