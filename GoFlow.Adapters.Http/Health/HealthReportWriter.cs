using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoFlow.Adapters.Http.Health;

/// <summary>
/// Writes a health report as <c>{"status": "Healthy", "checks": [{"name", "status", "description"}]}</c>: the checks'
/// own descriptions, never an exception's message, which can hold a host name, a file path or SQL (the health check
/// service logs the exception in full).
/// </summary>
internal static class HealthReportWriter
{
    /// <summary>Stands in for the description of a check that threw, or that described itself with its exception.</summary>
    public const string FailedCheckDescription = "The check failed; the log has the details.";

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", Describe(entry));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// The check's description, unless it is the message of the exception the check threw: the health check service
    /// then uses that message as the description.
    /// </summary>
    internal static string? Describe(HealthReportEntry entry) =>
        entry.Exception is { } exception && (entry.Description is null || entry.Description.Contains(exception.Message, StringComparison.Ordinal))
            ? FailedCheckDescription
            : entry.Description;
}
