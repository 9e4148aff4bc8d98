using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Hosted;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Client.Tests;

/// <summary>
/// The client under fuzzing, both ways: hostile arguments through it against the real host, and a broken server
/// answering seeded mutations of real answers. Every call either succeeds or throws a type the client documents; the
/// server never answers 5xx; no call hangs. The seed is chosen as <see cref="FuzzRun"/> says.
/// </summary>
public sealed class ClientFuzzTests
{
    private const int CallsPerRun = 300;
    private const int AnswersPerRun = 400;
    private const string UnknownId = "0197a0e4-7c2b-7d4e-9f00-1234567890ab";

    /// <summary>Far longer than any answer of a stub takes; a call still running then has hung.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] OddStrings =
    [
        "", " ", "\t", "\r\n", "\0", "\u001b[31m", "é", "😀", "\uD800", "\uDC00x", "\u202Egnp.exe", "\uFEFF", "%", "%2F", "/",
        ".", "..", "../..", "?", "#", "&limit=1", "{id}", "null", "'; DROP TABLE workflows; --", "<script>", "\\", "\"",
    ];

    private FuzzRun _run = null!;

    [OneTimeSetUp]
    public void ChooseSeed() => _run = FuzzRun.Choose(nameof(ClientFuzzTests));

    [Test]
    public async Task HostileCalls_AgainstTheRealHost_SucceedOrThrowDocumentedTypesAndNever5xx()
    {
        var random = new Random(_run.Seed);
        var server = new ServerWatch(random);
        using var host = new ClientHost(new() { ["GoFlow:Roles"] = "Api" }, between: () => server);
        var ids = new List<string>();
        for (var index = 0; index < 4; index++)
        {
            ids.Add((await host.Client.StartAsync(index % 2 == 0 ? "OrderProcess" : "UserOnboarding")).Id);
        }

        var failures = new List<string>();
        for (var call = 0; call < CallsPerRun * _run.Scale; call++)
        {
            var (description, action) = HostileCall(random, host.Client, ids);
            var failure = await OutcomeOf(action, allowed: IsDocumentedForHostileInput);
            if (failure is not null)
            {
                failures.Add($"call {call} {description}: {failure}");
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty, () => $"seed {_run.Seed}:\n{string.Join('\n', failures)}");
            Assert.That(server.ServerErrors, Is.Empty, () => $"seed {_run.Seed}:\n{string.Join('\n', server.ServerErrors)}");
            Assert.That(server.CursorsMutated, Is.Positive, "the run mutated no cursor: it proves nothing about them");
        }
    }

    [Test]
    public async Task BrokenServer_MutatedAnswers_SucceedOrThrowDocumentedTypesWithoutHanging()
    {
        var random = new Random(_run.Seed);
        var server = new BrokenServer();
        using var services = new ServiceCollection()
            .AddGoFlowClient(new Uri("http://goflow.test"), configureResilience: ClientHost.FastRetries)
            .ConfigurePrimaryHttpMessageHandler(() => server)
            .Services
            .BuildServiceProvider();
        var client = services.GetRequiredService<IGoFlowClient>();

        var failures = new List<string>();
        for (var answer = 0; answer < AnswersPerRun * _run.Scale; answer++)
        {
            server.Reseed(random.Next());
            var (name, action) = AnyCall(random, client);
            var failure = await OutcomeOf(action, allowed: IsDocumentedForBrokenServer);
            if (failure is not null)
            {
                failures.Add($"answer {answer} {name} ({server.LastMutation}): {failure}");
            }
        }

        Assert.That(failures, Is.Empty, () => $"seed {_run.Seed}:\n{string.Join('\n', failures)}");
    }

    private static async Task<string?> OutcomeOf(Func<Task> action, Func<Exception, bool> allowed)
    {
        var call = Task.Run(action);
        if (await Task.WhenAny(call, Task.Delay(HangLimit)) != call)
        {
            return $"still running after {HangLimit}";
        }

        try
        {
            await call;
            return null;
        }
        catch (Exception thrown) when (allowed(thrown))
        {
            return null;
        }
        catch (Exception thrown)
        {
            return $"{thrown.GetType().Name}: {Shorten(thrown.Message)}";
        }
    }

    /// <summary>What a hostile argument may cause: a refusal by the client up front, or a 4xx problem typed as documented.</summary>
    private static bool IsDocumentedForHostileInput(Exception thrown) => thrown is ArgumentException
        or GoFlowValidationException or GoFlowNotFoundException or GoFlowConflictException or TimeoutException;

    /// <summary>What a broken server may cause: any problem type, or the client's exception for an answer it cannot read.</summary>
    private static bool IsDocumentedForBrokenServer(Exception thrown) =>
        thrown is GoFlowProblemException or GoFlowInvalidResponseException or TimeoutException;

    private static (string Description, Func<Task> Action) HostileCall(Random random, IGoFlowClient client, List<string> ids)
    {
        switch (random.Next(7))
        {
            case 0:
                var name = Pick(random, ["OrderProcess", "UserOnboarding", "orderprocess", new string('W', random.Next(1, 400)), Odd(random)]);
                var input = random.Next(4) == 0 ? null : Payload(random);
                var key = Pick(random, [null, Guid.NewGuid().ToString("N"), string.Empty, new string('k', random.Next(250, 5000)), Odd(random), Odd(random) + Odd(random)]);
                return ($"Start({Shorten(name)}, key {Shorten(key)})", () => client.StartAsync(name, input, key));
            case 1:
                var readId = Id(random, ids);
                return ($"Get({Shorten(readId)})", () => client.GetAsync(readId));
            case 2:
                var activityId = Id(random, ids);
                return ($"GetActivity({Shorten(activityId)})", () => client.GetActivityAsync(activityId));
            case 3:
                var cancelId = Id(random, ids);
                return ($"Cancel({Shorten(cancelId)})", () => client.CancelAsync(cancelId));
            case 4:
                var retryId = Id(random, ids);
                return ($"Retry({Shorten(retryId)})", () => client.RetryAsync(retryId));
            case 5:
                var query = Query(random);
                return ($"List({query})", () => ReadPagesAsync(client, query));
            default:
                var waitId = Id(random, ids);
                var timeout = TimeSpan.FromMilliseconds(random.Next(-5, 60));
                return ($"WaitUntilFinished({Shorten(waitId)}, {timeout})", () => client.WaitUntilFinishedAsync(waitId, timeout));
        }
    }

    private static (string Name, Func<Task> Action) AnyCall(Random random, IGoFlowClient client) => random.Next(8) switch
    {
        0 => ("Start", () => client.StartAsync("OrderProcess", new JsonObject { ["n"] = 1 })),
        1 => ("Get", () => client.GetAsync("w1")),
        2 => ("GetActivity", () => client.GetActivityAsync("w1")),
        3 => ("Cancel", () => client.CancelAsync("w1")),
        4 => ("Retry", () => client.RetryAsync("w1")),
        5 => ("List", () => ReadPagesAsync(client, new GoFlowListQuery(PageSize: 2))),
        6 => ("GetDefinitions", () => client.GetDefinitionsAsync()),
        _ => ("WaitUntilFinished", () => client.WaitUntilFinishedAsync("w1", TimeSpan.FromMilliseconds(200))),
    };

    /// <summary>Reads up to five pages: enough to follow cursors, and a bound on a list that would not end.</summary>
    private static async Task ReadPagesAsync(IGoFlowClient client, GoFlowListQuery query)
    {
        var read = 0;
        await foreach (var workflow in client.ListAsync(query))
        {
            if (++read >= 5 * (query.PageSize is > 0 and < 100 ? query.PageSize.Value : 1))
            {
                break;
            }
        }
    }

    private static GoFlowListQuery Query(Random random) => new(
        Status: Pick(random, [null, null, GoFlowStatus.Pending, "pending", "DONE", Odd(random)]),
        WorkflowName: Pick(random, [null, null, "OrderProcess", Odd(random), new string('n', random.Next(100, 3000))]),
        CreatedAfter: Pick<DateTimeOffset?>(random, [null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UtcNow.AddDays(-1)]),
        CreatedBefore: Pick<DateTimeOffset?>(random, [null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UtcNow.AddDays(1)]),
        PageSize: Pick<int?>(random, [null, 1, 2, 0, -1, 101, int.MaxValue, int.MinValue]));

    /// <summary>A real id, one changed a character, or an odd string.</summary>
    private static string Id(Random random, List<string> ids) => random.Next(5) switch
    {
        0 or 1 => Pick(random, [.. ids]),
        2 => Mutate(random, Pick(random, [.. ids])),
        3 => UnknownId,
        _ => Odd(random),
    };

    private static JsonObject Payload(Random random)
    {
        var payload = new JsonObject();
        for (var member = random.Next(4); member >= 0; member--)
        {
            payload[Odd(random) + member] = Node(random, depth: random.Next(3) == 0 ? random.Next(20, 40) : random.Next(4));
        }

        return payload;
    }

    private static JsonNode? Node(Random random, int depth)
    {
        if (depth > 0)
        {
            return random.Next(2) == 0 ? new JsonArray(Node(random, depth - 1)) : new JsonObject { [Odd(random)] = Node(random, depth - 1) };
        }

        return random.Next(6) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0 ? double.MaxValue : long.MinValue),
            2 => JsonValue.Create(new string('x', random.Next(1, 200_000))),
            3 => JsonValue.Create(random.Next(2) == 0),
            _ => JsonValue.Create(Odd(random)),
        };
    }

    private static string Odd(Random random) => Pick(random, OddStrings);

    private static string Mutate(Random random, string text)
    {
        var at = random.Next(text.Length);
        return random.Next(3) switch
        {
            0 => text.Remove(at, 1),
            1 => text.Insert(at, Odd(random)),
            _ => text[..at] + (char)random.Next(32, 0x2FFF) + text[(at + 1)..],
        };
    }

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];

    private static string Shorten(string? text) =>
        text is null ? "null" : text.Length > 60 ? $"{text[..60]}... ({text.Length} chars)" : text;

    /// <summary>Sees every attempt: records each 5xx, and mutates about half the next_cursor values the host gives out.</summary>
    private sealed class ServerWatch(Random random) : DelegatingHandler
    {
        private readonly Lock _lock = new();

        public List<string> ServerErrors { get; } = [];

        public int CursorsMutated { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                lock (_lock)
                {
                    ServerErrors.Add($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {Shorten(body)}");
                }
            }

            if (response.IsSuccessStatusCode && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/workflows")
            {
                var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
                if (page["next_cursor"]?.GetValue<string>() is { } cursor)
                {
                    lock (_lock)
                    {
                        if (random.Next(2) == 0)
                        {
                            page["next_cursor"] = Mutate(random, cursor);
                            CursorsMutated++;
                        }
                    }

                    response.Content = new StringContent(page.ToJsonString(), Encoding.UTF8, "application/json");
                }
            }

            return response;
        }
    }

    /// <summary>
    /// Answers each request with a real answer for its route, mutated as its seed says: another status, body, content
    /// type or Retry-After, a member removed or of the wrong type, the text cut short.
    /// </summary>
    private sealed class BrokenServer : HttpMessageHandler
    {
        private const string Workflow =
            """{"id": "w1", "workflow_name": "OrderProcess", "status": "PENDING", "current_input": {"n": 1}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "tasks": [{"id": 1, "task_name": "ValidateOrder", "status": "PENDING", "attempt": 0, "input_payload": {}, "output_payload": null, "error": null, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "worker_id": null}]}""";

        private const string Summary =
            """{"id": "w1", "workflow_name": "OrderProcess", "status": "COMPLETED", "current_input": {}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}""";

        private static readonly string[] Problems =
        [
            """{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "One or more validation errors occurred.", "status": 400, "errors": {"workflow_name": ["Unknown workflow."]}}""",
            """{"title": "Not found", "status": 404}""",
            """{"title": "Conflict", "status": 409, "workflow_status": "COMPLETED"}""",
            """{"title": "The store is unavailable", "status": 503}""",
        ];

        private static readonly string[] ContentTypes =
            ["application/json", "application/problem+json", "text/html", "text/plain", "application/xml", "application/json; charset=utf-16", "application/json; charset=bogus", ""];

        private static readonly string[] RetryAfters = ["0", "1", "-1", "99999999999", "2147483648", "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "soon", ""];

        private static readonly int[] Statuses = [200, 201, 202, 204, 301, 302, 304, 307, 400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503, 504];

        private Random _random = new(0);

        public string LastMutation { get; private set; } = string.Empty;

        public void Reseed(int seed) => _random = new Random(seed);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (status, body) = RealAnswer(request);
            var contentType = status < 300 ? "application/json" : "application/problem+json";
            string? retryAfter = null;
            var mutations = new List<string>();
            for (var count = _random.Next(1, 3); count > 0; count--)
            {
                switch (_random.Next(8))
                {
                    case 0:
                        status = Pick(_random, Statuses);
                        mutations.Add($"status {status}");
                        break;
                    case 1:
                        body = body[.._random.Next(body.Length)];
                        mutations.Add("truncated");
                        break;
                    case 2:
                        contentType = Pick(_random, ContentTypes);
                        mutations.Add($"content type '{contentType}'");
                        break;
                    case 3:
                        body = Pick(_random, ["", "null", "[]", "{}", "\"text\"", "42", "<html>Bad gateway</html>", """{"data": null}""", """{"data": []}""", """{"data": {}}""", Pick(_random, Problems)]);
                        mutations.Add($"body {Shorten(body)}");
                        break;
                    case 4:
                        status = 503;
                        retryAfter = Pick(_random, RetryAfters);
                        mutations.Add($"503, Retry-After '{retryAfter}'");
                        break;
                    default:
                        body = MutateMember(body, mutations);
                        break;
                }
            }

            LastMutation = string.Join(", ", mutations);
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)), RequestMessage = request };
            if (contentType.Length > 0)
            {
                response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            if (status is >= 300 and < 400)
            {
                response.Headers.Location = new Uri("http://elsewhere.test/workflows");
            }

            return Task.FromResult(response);
        }

        private static (int Status, string Body) RealAnswer(HttpRequestMessage request)
        {
            var path = request.RequestUri!.AbsolutePath;
            return path switch
            {
                "/workflows" when request.Method == HttpMethod.Get => (200, $$"""{"data": [{{Summary}}, {{Summary}}], "next_cursor": "c2"}"""),
                "/workflows" => (201, $$"""{"message": "Workflow started", "data": {{Summary}}}"""),
                "/workflow-definitions" => (200, """{"data": [{"name": "OrderProcess", "tasks": ["ValidateOrder", "DeductMoney"], "waits": []}]}"""),
                _ when path.EndsWith("/activity", StringComparison.Ordinal) =>
                    (200, """{"data": [{"id": 1, "task_id": null, "action": "STARTED", "details": {"by": "api"}, "created_at": "2026-01-01T00:00:00Z"}]}"""),
                _ => (200, $$"""{"data": {{Workflow}}}"""),
            };
        }

        /// <summary>Removes a member of the body or gives it a value of another type.</summary>
        private string MutateMember(string body, List<string> mutations)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException)
            {
                return body;
            }

            var objects = new List<JsonObject>();
            Collect(root, objects);
            if (objects.Count == 0)
            {
                return body;
            }

            var target = Pick(_random, [.. objects]);
            if (target.Count == 0)
            {
                return body;
            }

            var member = target.ElementAt(_random.Next(target.Count)).Key;
            if (_random.Next(3) == 0)
            {
                target.Remove(member);
                mutations.Add($"without {member}");
            }
            else
            {
                JsonNode?[] values = [null, 42, -1, "text", true, new JsonArray(), new JsonObject(), "9999-99-99", long.MaxValue, 1e308];
                target[member] = Pick(_random, values)?.DeepClone();
                mutations.Add($"{member} = {target[member]?.ToJsonString() ?? "null"}");
            }

            return root!.ToJsonString();
        }

        private static void Collect(JsonNode? node, List<JsonObject> objects)
        {
            if (node is JsonObject found)
            {
                objects.Add(found);
                foreach (var (_, value) in found.ToList())
                {
                    Collect(value, objects);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    Collect(item, objects);
                }
            }
        }
    }
}
