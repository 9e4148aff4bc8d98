using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Mvc;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// The query of GET /workflows as sent, every value a string: they are parsed by <see cref="WorkflowListRequestParser"/>
/// rather than by the framework's binder, so that each bad value is answered with a 400 that names its parameter.
/// </summary>
internal sealed record WorkflowListRequest(
    [property: FromQuery(Name = WorkflowListRequest.StatusParameter)]
    [property: Description("Only workflows in this status: PENDING, RUNNING, COMPLETED, FAILED or CANCELLED (upper case, as the API writes them).")]
    string? Status,
    [property: FromQuery(Name = WorkflowListRequest.WorkflowNameParameter)]
    [property: Description("Only workflows of this definition, e.g. OrderProcess (exact match).")]
    string? WorkflowName,
    [property: FromQuery(Name = WorkflowListRequest.CreatedAfterParameter)]
    [property: Description("Only workflows created strictly after this time: ISO 8601 with an offset, e.g. 2025-01-02T03:04:05Z (send a '+' offset as %2B).")]
    string? CreatedAfter,
    [property: FromQuery(Name = WorkflowListRequest.CreatedBeforeParameter)]
    [property: Description("Only workflows created strictly before this time: ISO 8601 with an offset, e.g. 2025-01-02T03:04:05Z (send a '+' offset as %2B).")]
    string? CreatedBefore,
    [property: FromQuery(Name = WorkflowListRequest.LimitParameter)]
    [property: Description("The most workflows in one page: 1 to 500, default 50.")]
    string? Limit,
    [property: FromQuery(Name = WorkflowListRequest.CursorParameter)]
    [property: Description("Where the page starts: the next_cursor of the page before; leave out for the first page.")]
    string? Cursor)
{
    public const string StatusParameter = "status";
    public const string WorkflowNameParameter = "workflow_name";
    public const string CreatedAfterParameter = "created_after";
    public const string CreatedBeforeParameter = "created_before";
    public const string LimitParameter = "limit";
    public const string CursorParameter = "cursor";

    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Every status name, as the API writes them: the values <c>status</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Statuses =
        [StatusNames.Pending, StatusNames.Running, StatusNames.Completed, StatusNames.Failed, StatusNames.Cancelled];

    /// <summary>The width of <c>workflow_instances.workflow_name</c>; no stored workflow has a longer name.</summary>
    public const int MaxWorkflowNameLength = 255;

    /// <summary>Every parameter, each of which may be given once.</summary>
    public static readonly IReadOnlyList<string> Parameters =
        [StatusParameter, WorkflowNameParameter, CreatedAfterParameter, CreatedBeforeParameter, LimitParameter, CursorParameter];
}

/// <summary>Turns a <see cref="WorkflowListRequest"/> into the port's query, or the reasons it cannot be one.</summary>
internal static partial class WorkflowListRequestParser
{
    /// <param name="request">The parameters, as the binder read them.</param>
    /// <param name="valueCounts">How many times each parameter was sent: the binder joins repeated values with a
    /// comma, which for a name would be a valid (and wrong) filter, so a repeated parameter is refused.</param>
    /// <param name="errors">Filled with the reasons, keyed by parameter name, when the answer is null.</param>
    /// <returns>The query, or null with <paramref name="errors"/>.</returns>
    public static WorkflowListQuery? Parse(
        WorkflowListRequest request, Func<string, int> valueCounts, out Dictionary<string, string[]> errors)
    {
        errors = [];
        foreach (var parameter in WorkflowListRequest.Parameters.Where(parameter => valueCounts(parameter) > 1))
        {
            errors[parameter] = [$"Send one {parameter} parameter, not several."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        WorkflowStatus? status = null;
        if (request.Status is not null)
        {
            // Exact names only: the API writes statuses upper case, and one spelling keeps clients and logs consistent.
            if (WorkflowListRequest.Statuses.Contains(request.Status, StringComparer.Ordinal))
            {
                status = StatusNames.ToWorkflowStatus(request.Status);
            }
            else
            {
                errors[WorkflowListRequest.StatusParameter] =
                    [$"status must be one of {string.Join(", ", WorkflowListRequest.Statuses)} (upper case)."];
            }
        }

        if (request.WorkflowName is { } name && name.Length is 0 or > WorkflowListRequest.MaxWorkflowNameLength)
        {
            errors[WorkflowListRequest.WorkflowNameParameter] =
                [$"workflow_name must be 1 to {WorkflowListRequest.MaxWorkflowNameLength} characters."];
        }

        var createdAfter = ParseTime(request.CreatedAfter, WorkflowListRequest.CreatedAfterParameter, errors);
        var createdBefore = ParseTime(request.CreatedBefore, WorkflowListRequest.CreatedBeforeParameter, errors);

        var limit = WorkflowListRequest.DefaultLimit;
        if (request.Limit is not null
            && !(int.TryParse(request.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                && limit is >= 1 and <= WorkflowListRequest.MaxLimit))
        {
            errors[WorkflowListRequest.LimitParameter] =
                [$"limit must be a whole number from 1 to {WorkflowListRequest.MaxLimit}."];
        }

        WorkflowListPosition? after = null;
        if (request.Cursor is not null && !WorkflowListCursor.TryDecode(request.Cursor, out after))
        {
            errors[WorkflowListRequest.CursorParameter] =
                ["cursor is not one this API wrote; pass the next_cursor of a page unchanged, or leave it out."];
        }

        return errors.Count > 0
            ? null
            : new WorkflowListQuery(status, request.WorkflowName, createdAfter, createdBefore, limit, after);
    }

    private static DateTimeOffset? ParseTime(string? text, string parameter, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        // An offset is required: a time without one means a different instant on every server.
        if (IsoTimeWithOffset().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        var hint = text.Contains(' ', StringComparison.Ordinal)
            ? " A '+' in a query string reads as a space: send the offset as %2B01:00, or use Z."
            : string.Empty;
        errors[parameter] =
            [$"{parameter} must be an ISO 8601 time with an offset, such as 2025-01-02T03:04:05Z or 2025-01-02T04:04:05%2B01:00.{hint}"];
        return null;
    }

    // Date, 'T', hours and minutes, optional seconds and fraction (up to the 7 digits a tick holds), and Z or ±hh:mm.
    // ASCII digits only ([0-9], not \d, which takes any script's digits) and \z, not $, which allows a final newline.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimeWithOffset();
}
