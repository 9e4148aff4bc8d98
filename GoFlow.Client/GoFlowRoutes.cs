namespace GoFlow.Client;

/// <summary>Every operation the client calls, as the OpenAPI document names its path and method.</summary>
internal static class GoFlowRoutes
{
    public const string Definitions = "/workflow-definitions";
    public const string Workflows = "/workflows";
    public const string Workflow = "/workflows/{id}";
    public const string Activity = "/workflows/{id}/activity";
    public const string Cancel = "/workflows/{id}/cancel";
    public const string Retry = "/workflows/{id}/retry";
    public const string Signal = "/workflows/{id}/signals/{name}";
    public const string Schedules = "/schedules";
    public const string PauseSchedule = "/schedules/{name}/pause";
    public const string ResumeSchedule = "/schedules/{name}/resume";
    public const string TriggerSchedule = "/schedules/{name}/trigger";

    public static IReadOnlyList<(string Method, string Path)> All { get; } =
    [
        ("POST", Workflows), ("GET", Workflows), ("GET", Workflow), ("GET", Activity), ("POST", Cancel), ("POST", Retry), ("POST", Signal),
        ("GET", Definitions),
        ("GET", Schedules), ("POST", PauseSchedule), ("POST", ResumeSchedule), ("POST", TriggerSchedule),
    ];

    /// <summary>A schedule's route: its name is a path segment, so the same names as ids are refused.</summary>
    public static string ForSchedule(string template, string name)
    {
        ThrowIfNotAnId(name);
        return template.Replace("{name}", Uri.EscapeDataString(name), StringComparison.Ordinal);
    }

    /// <summary>A signal's route: the workflow's id and the signal's name are path segments, held to the same rule.</summary>
    public static string ForSignal(string id, string name)
    {
        ThrowIfNotAnId(name);
        return For(Signal, id).Replace("{name}", Uri.EscapeDataString(name), StringComparison.Ordinal);
    }

    public static string For(string template, string id)
    {
        ThrowIfNotAnId(id);
        return template.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal);
    }

    /// <summary>
    /// Refuses the ids that cannot name a workflow in a path: empty; a dot segment, which the URI resolves away
    /// ("/workflows/.." is "/"), so that the call would reach another route and read its answer as a workflow; or one
    /// with a control character, which no id the API gives out holds and which servers refuse in a path (%00).
    /// </summary>
    public static void ThrowIfNotAnId(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id is "." or ".." || id.Any(char.IsControl))
        {
            throw new ArgumentException("A workflow id is neither a dot segment nor holds a control character.", nameof(id));
        }
    }
}
