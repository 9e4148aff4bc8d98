using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GoFlow.Client;

/// <summary>The typed client behind <see cref="IGoFlowClient"/>, on an <see cref="HttpClient"/> from IHttpClientFactory.</summary>
internal sealed class GoFlowClient(HttpClient http, TimeProvider clock) : IGoFlowClient
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPollDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The API's JSON: snake_case names, numbers as numbers. An answer missing a member or holding null where the
    /// models say non-null is not the API's, so it is refused on reading rather than met later as a null reference.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public Task<GoFlowWorkflowSummary> StartAsync(
        string workflowName, JsonObject? input = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        StartAsync(workflowName, startAt: null, input, idempotencyKey, cancellationToken);

    public Task<GoFlowWorkflowSummary> StartLaterAsync(
        string workflowName,
        DateTimeOffset startAt,
        JsonObject? input = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(workflowName, startAt, input, idempotencyKey, cancellationToken);

    private async Task<GoFlowWorkflowSummary> StartAsync(
        string workflowName, DateTimeOffset? startAt, JsonObject? input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        ThrowIfNotHeaderText(idempotencyKey);

        var body = new JsonObject { ["workflow_name"] = workflowName, ["input_payload"] = input?.DeepClone() ?? new JsonObject() };
        if (startAt is { } at)
        {
            body["start_at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, GoFlowRoutes.Workflows)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        return await SendForDataAsync<GoFlowWorkflowSummary>(request, cancellationToken);
    }

    public async Task<GoFlowSignal> SignalAsync(
        string id, string name, JsonObject? payload = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ThrowIfNotHeaderText(idempotencyKey);
        var uri = GoFlowRoutes.ForSignal(id, name);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent((payload ?? []).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        return await SendForDataAsync<GoFlowSignal>(request, cancellationToken);
    }

    public Task<GoFlowWorkflow> GetAsync(string id, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowWorkflow>(HttpMethod.Get, GoFlowRoutes.For(GoFlowRoutes.Workflow, id), cancellationToken);

    public Task<IReadOnlyList<GoFlowActivity>> GetActivityAsync(string id, CancellationToken cancellationToken = default) =>
        SendForDataAsync<IReadOnlyList<GoFlowActivity>>(HttpMethod.Get, GoFlowRoutes.For(GoFlowRoutes.Activity, id), cancellationToken);

    public async IAsyncEnumerable<GoFlowWorkflowSummary> ListAsync(
        GoFlowListQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ListUri(query ?? new GoFlowListQuery(), cursor));
            var page = await SendAsync<ListPage>(request, cancellationToken);
            foreach (var workflow in page.Data)
            {
                yield return workflow;
            }

            if (page.NextCursor is not null && page.NextCursor == cursor)
            {
                throw new GoFlowInvalidResponseException(HttpStatusCode.OK, $"the same next_cursor as the page before ({cursor}): the list would never end.");
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    public Task<GoFlowWorkflow> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowWorkflow>(HttpMethod.Post, GoFlowRoutes.For(GoFlowRoutes.Cancel, id), cancellationToken);

    public Task<GoFlowWorkflow> RetryAsync(string id, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowWorkflow>(HttpMethod.Post, GoFlowRoutes.For(GoFlowRoutes.Retry, id), cancellationToken);

    public Task<IReadOnlyList<GoFlowWorkflowDefinition>> GetDefinitionsAsync(CancellationToken cancellationToken = default) =>
        SendForDataAsync<IReadOnlyList<GoFlowWorkflowDefinition>>(HttpMethod.Get, GoFlowRoutes.Definitions, cancellationToken);

    public Task<IReadOnlyList<GoFlowSchedule>> GetSchedulesAsync(CancellationToken cancellationToken = default) =>
        SendForDataAsync<IReadOnlyList<GoFlowSchedule>>(HttpMethod.Get, GoFlowRoutes.Schedules, cancellationToken);

    public Task<GoFlowSchedule> PauseScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowSchedule>(HttpMethod.Post, GoFlowRoutes.ForSchedule(GoFlowRoutes.PauseSchedule, name), cancellationToken);

    public Task<GoFlowSchedule> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowSchedule>(HttpMethod.Post, GoFlowRoutes.ForSchedule(GoFlowRoutes.ResumeSchedule, name), cancellationToken);

    public Task<GoFlowWorkflowSummary> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendForDataAsync<GoFlowWorkflowSummary>(HttpMethod.Post, GoFlowRoutes.ForSchedule(GoFlowRoutes.TriggerSchedule, name), cancellationToken);

    public async Task<GoFlowWorkflow> WaitUntilFinishedAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        GoFlowRoutes.ThrowIfNotAnId(id);
        var deadline = clock.GetUtcNow() + timeout;
        var delay = FirstPollDelay;
        while (true)
        {
            var workflow = await GetAsync(id, cancellationToken);
            if (GoFlowStatus.IsFinished(workflow.Status))
            {
                return workflow;
            }

            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Workflow {id} was still {workflow.Status} after {timeout}.");
            }

            await Task.Delay(delay < left ? delay : left, clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestPollDelay.Ticks));
        }
    }

    private static string ListUri(GoFlowListQuery query, string? cursor)
    {
        var parameters = new List<string>();
        Add("status", query.Status);
        Add("workflow_name", query.WorkflowName);
        Add("created_after", query.CreatedAfter?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("created_before", query.CreatedBefore?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("limit", query.PageSize?.ToString(CultureInfo.InvariantCulture));
        Add("cursor", cursor);
        return parameters.Count == 0 ? GoFlowRoutes.Workflows : $"{GoFlowRoutes.Workflows}?{string.Join('&', parameters)}";

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parameters.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
    }

    private async Task<T> SendForDataAsync<T>(HttpMethod method, string uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        return await SendForDataAsync<T>(request, cancellationToken);
    }

    private async Task<T> SendForDataAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (await SendAsync<DataEnvelope<T>>(request, cancellationToken)).Data
            ?? throw new GoFlowInvalidResponseException(HttpStatusCode.OK, "\"data\": null.");

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendOrExplainAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken);
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new GoFlowInvalidResponseException(response.StatusCode, "a null body.");
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException or NotSupportedException)
        {
            // A body cut short, of another shape or charset (JsonException; InvalidOperationException for the charset).
            throw new GoFlowInvalidResponseException(response.StatusCode, $"a body that is not the API's: {unreadable.Message}", unreadable);
        }
    }

    /// <summary>
    /// Sends the request through the resilience handler, and turns its own refusals into the client's documented
    /// exceptions: an open circuit is the server being unavailable, a timeout of the handler a <see cref="TimeoutException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendOrExplainAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException open)
        {
            var problem = new JsonObject { ["title"] = "The client stopped calling GoFlow for a while after repeated failures.", ["detail"] = open.Message };
            throw new GoFlowUnavailableException(problem, retryAfter: null);
        }
        catch (TimeoutRejectedException slow)
        {
            throw new TimeoutException($"GoFlow did not answer {request.Method} {request.RequestUri} in time.", slow);
        }
    }

    private static void ThrowIfNotHeaderText(string? idempotencyKey)
    {
        if (idempotencyKey is not null && !idempotencyKey.All(IsHeaderCharacter))
        {
            throw new ArgumentException("An Idempotency-Key travels in an HTTP header: printable ASCII characters only.", nameof(idempotencyKey));
        }
    }

    private static bool IsHeaderCharacter(char character) => character is >= ' ' and <= '~';

    private static async Task<GoFlowProblemException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonObject problem;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException or NotSupportedException)
        {
            // Not a problem document (a proxy's error page, say): the status alone describes it.
            problem = new JsonObject { ["title"] = response.ReasonPhrase };
        }

        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new GoFlowValidationException(response.StatusCode, problem),
            HttpStatusCode.NotFound => new GoFlowNotFoundException(problem),
            HttpStatusCode.Conflict => new GoFlowConflictException(problem),
            HttpStatusCode.ServiceUnavailable => new GoFlowUnavailableException(problem, response.Headers.RetryAfter?.Delta),
            _ => new GoFlowProblemException(response.StatusCode, problem),
        };
    }

    private sealed record DataEnvelope<T>(T Data);

    private sealed record ListPage(IReadOnlyList<GoFlowWorkflowSummary> Data, string? NextCursor = null);
}
