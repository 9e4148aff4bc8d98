using GoFlow.Adapters.Http.Problems;
using GoFlow.Adapters.Http.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Tests.Problems;

public sealed class ProblemTypesTests
{
    /// <summary>The map spells the RFC 9110 types as ASP.NET Core's writer does, so a problem's type never depends on the writer.</summary>
    [Test]
    public void ByStatus_StatusesAspNetCoreKnows_SpellTheirTypesAsAspNetCoreDoes()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (status, type) in ProblemTypes.ByStatus.Where(entry => entry.Key != StatusCodes.Status431RequestHeaderFieldsTooLarge))
            {
                // TypedResults.Problem applies ASP.NET Core's list of types to the problem it makes.
                Assert.That(TypedResults.Problem(statusCode: status).ProblemDetails.Type, Is.EqualTo(type), $"status {status}");
            }
        }
    }

    [Test]
    public void ByStatus_431_IsRfc6585sSection()
    {
        Assert.That(TypedResults.Problem(statusCode: 431).ProblemDetails.Type, Is.Null, "ASP.NET Core's list lacks 431");
        Assert.That(ProblemTypes.ByStatus[431], Is.EqualTo("https://tools.ietf.org/html/rfc6585#section-5"));
    }

    /// <summary>
    /// Problems written by a middleware (431), by routing (404, 405) and by an endpoint (400): the same type whether the
    /// client accepts JSON or not (ASP.NET Core's writer declines the second; GoFlow's own writes it).
    /// </summary>
    [TestCase("GET", "/workflows", 431)]
    [TestCase("GET", "/no-such-route", 404)]
    [TestCase("PUT", "/workflows", 405)]
    [TestCase("GET", "/workflows?limit=abc", 400)]
    public async Task Problem_AnyAcceptHeader_CarriesItsStatussType(string method, string path, int status)
    {
        await using var app = await AdapterApp.StartAsync();
        foreach (var accept in new[] { "application/json", "text/html" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            if (status == 431)
            {
                request.Headers.TryAddWithoutValidation("X-Big", new string('a', 33 * 1024));
            }

            using var response = await app.Client.SendAsync(request);

            // ReadProblemAsync holds the type to ProblemTypes.ByStatus.
            await HttpJson.ReadProblemAsync(response, status);
        }
    }
}
