using GoFlow.Adapters.Http.Requests;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Tests.Requests;

/// <summary>Kestrel's parser limits as GoFlow sets them: four times its own, never lower than configured.</summary>
public sealed class KestrelParserLimitsTests
{
    [Test]
    public void PostConfigure_KestrelDefaults_AreRaisedToFourTimesGoFlowsLimits()
    {
        var kestrel = new KestrelServerOptions();

        new KestrelParserLimits(Options.Create(new ApiOptions { MaxRequestTargetBytes = 10_000 })).PostConfigure(Options.DefaultName, kestrel);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(kestrel.Limits.MaxRequestLineSize, Is.EqualTo(40_000));
            Assert.That(kestrel.Limits.MaxRequestHeadersTotalSize, Is.EqualTo(4 * 32 * 1024));
            Assert.That(kestrel.Limits.MaxRequestHeaderCount, Is.EqualTo(400));
        }
    }

    [Test]
    public void PostConfigure_LimitsConfiguredHigher_AreKept()
    {
        var kestrel = new KestrelServerOptions();
        kestrel.Limits.MaxRequestLineSize = 100_000;
        kestrel.Limits.MaxRequestHeaderCount = 2_000;

        new KestrelParserLimits(Options.Create(new ApiOptions())).PostConfigure(Options.DefaultName, kestrel);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(kestrel.Limits.MaxRequestLineSize, Is.EqualTo(100_000));
            Assert.That(kestrel.Limits.MaxRequestHeaderCount, Is.EqualTo(2_000));
        }
    }

    [Test]
    public void PostConfigure_HeadersLargerThanTheRequestBuffer_RaiseTheBuffer()
    {
        var kestrel = new KestrelServerOptions();
        kestrel.Limits.MaxRequestBufferSize = 64 * 1024;

        new KestrelParserLimits(Options.Create(new ApiOptions { MaxRequestHeadersBytes = ApiOptions.MaxRequestHeadersBytesLimit }))
            .PostConfigure(Options.DefaultName, kestrel);

        Assert.That(kestrel.Limits.MaxRequestBufferSize, Is.EqualTo(4 * ApiOptions.MaxRequestHeadersBytesLimit));
    }
}
