using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Dashboard.Api;

/// <summary>The list page's filters as sent in the query string, every value a string until parsed.</summary>
internal sealed record ListRequest(
    string? Status, string? WorkflowName, string? CreatedAfter, string? CreatedBefore, string? Cursor)
{
    /// <summary>Workflows on one page of the list.</summary>
    public const int PageSize = 50;

    /// <summary>The width of <c>workflow_instances.workflow_name</c>: no stored workflow has a longer name.</summary>
    public const int MaxWorkflowNameLength = 255;

    // The query parameters' names: the handler binds by these, the errors are keyed by them, and Parameters lists them
    // for QueryParameters, so a filter the handler reads is never one the list refuses.
    public const string StatusParameter = "status";
    public const string WorkflowNameParameter = "workflow_name";
    public const string CreatedAfterParameter = "created_after";
    public const string CreatedBeforeParameter = "created_before";
    public const string CursorParameter = "cursor";

    /// <summary>Every parameter the list reads, each at most once (<see cref="QueryParameters"/>).</summary>
    public static readonly IReadOnlyList<string> Parameters =
        [StatusParameter, WorkflowNameParameter, CreatedAfterParameter, CreatedBeforeParameter, CursorParameter];

    /// <summary>
    /// The query, or null with the reasons keyed by parameter (<paramref name="errors"/>). Empty values mean "no
    /// filter", as an HTML form sends an empty field.
    /// </summary>
    public WorkflowListQuery? Parse(out Dictionary<string, string[]> errors)
    {
        errors = [];

        WorkflowStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (Enum.GetValues<WorkflowStatus>().Select(s => s.ToName()).Contains(Status, StringComparer.Ordinal))
            {
                status = StatusNames.ToWorkflowStatus(Status);
            }
            else
            {
                errors[StatusParameter] = ["status must be PENDING, RUNNING, COMPLETED, FAILED or CANCELLED."];
            }
        }

        var name = string.IsNullOrEmpty(WorkflowName) ? null : WorkflowName;
        if (name is { Length: > MaxWorkflowNameLength })
        {
            errors[WorkflowNameParameter] = [$"workflow_name must be at most {MaxWorkflowNameLength} characters."];
        }

        var after = ParseTime(CreatedAfter, CreatedAfterParameter, errors);
        var before = ParseTime(CreatedBefore, CreatedBeforeParameter, errors);

        WorkflowListPosition? position = null;
        if (!string.IsNullOrEmpty(Cursor) && !ListCursor.TryDecode(Cursor, out position))
        {
            errors[CursorParameter] = ["cursor is not one this page wrote; start from the first page."];
        }

        return errors.Count > 0 ? null : new WorkflowListQuery(status, name, after, before, PageSize, position);
    }

    /// <summary>A UTC time as the page writes it (<c>Date.toISOString()</c>), within years every store can hold.</summary>
    private static DateTimeOffset? ParseTime(string? text, string parameter, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.EndsWith('Z')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time)
            && time.Year is >= ListCursor.FirstYear and <= ListCursor.LastYear)
        {
            return time;
        }

        errors[parameter] = [$"{parameter} must be a UTC time such as 2030-01-02T03:04:05.000Z, in the years {ListCursor.FirstYear} to {ListCursor.LastYear}."];
        return null;
    }
}

/// <summary>
/// Where the next page starts, as an opaque text for the page to send back: base64url of the last row's creation time
/// (UTC ticks) and id.
/// </summary>
internal static class ListCursor
{
    /// <summary>The years a time may fall in: every store holds them (MySQL's DATETIME starts at 1000).</summary>
    public const int FirstYear = 1970;

    public const int LastYear = 9999;

    public static string Encode(WorkflowListPosition position) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            $"{position.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{position.Id.Value:N}"));

    public static bool TryDecode(string text, out WorkflowListPosition? position)
    {
        position = null;
        if (text.Length > 100 || !Base64Url.IsValid(text))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < new DateTime(FirstYear, 1, 1).Ticks || ticks > DateTime.MaxValue.Ticks
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        position = new WorkflowListPosition(new DateTimeOffset(ticks, TimeSpan.Zero), new WorkflowId(id));
        return true;
    }
}
