using GoFlow.Adapters.Http.Problems;
using GoFlow.Adapters.Http.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// A validation problem keeps the errors that say which field is wrong whatever the client accepts: GoFlow's writer,
    /// which answers the clients ASP.NET Core's declines, writes the problem as what it is, not as its base type.
    /// </summary>
    [TestCase("application/json")]
    [TestCase("text/html")]
    [TestCase("*/*;q=abc")]
    public async Task ValidationProblem_AnyAcceptHeader_KeepsItsErrors(string accept)
    {
        await using var app = await AdapterApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workflows?limit=abc");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await app.Client.SendAsync(request);

        var problem = await HttpJson.ReadProblemAsync(response, StatusCodes.Status400BadRequest);
        Assert.That(problem["errors"]?["limit"], Is.Not.Null, problem.ToJsonString());
    }

    /// <summary>A host that sets its own customisation of problems, rather than adding to it, keeps GoFlow's types and runs its own.</summary>
    [Test]
    public void CustomizeProblemDetails_SetByTheHostAfterGoFlow_StillGivesTheType()
    {
        var hostRan = false;
        var services = new ServiceCollection().AddGoFlowHttp();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = _ => hostRan = true);
        using var provider = services.BuildServiceProvider();
        var context = new ProblemDetailsContext
        {
            HttpContext = new DefaultHttpContext(),
            ProblemDetails = new() { Status = StatusCodes.Status431RequestHeaderFieldsTooLarge },
        };

        provider.GetRequiredService<IOptions<ProblemDetailsOptions>>().Value.CustomizeProblemDetails!(context);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(context.ProblemDetails.Type, Is.EqualTo(ProblemTypes.ByStatus[StatusCodes.Status431RequestHeaderFieldsTooLarge]));
            Assert.That(hostRan, Is.True, "the host's own customisation");
        }
    }
}
