using GoFlow.Domain;
using GoFlow.Domain.Transitions;

namespace GoFlow.Adapters.Sql;

/// <summary>
/// The status conditions and values of a guarded statement, read from the domain's transition table, so that the SQL
/// states no status rule of its own.
/// </summary>
/// <remarks>
/// Both SQL stores spell a status condition alike, so this one source file is compiled into each of them (a
/// <c>Compile Link</c> in their .csproj) rather than written twice: it is no project and no reference, and each adapter
/// keeps its own internal copy, so the dependency rule (no adapter references another) is untouched.
/// </remarks>
internal static class StatusSql
{
    /// <summary><c>status = 'RUNNING'</c>, or <c>status IN ('FAILED', 'CANCELLED')</c>: the statuses the transition starts from.</summary>
    public static string From(TaskTransition transition) => In([.. transition.From.Select(status => status.ToName())]);

    /// <inheritdoc cref="From(TaskTransition)"/>
    public static string From(WorkflowTransition transition) => In([.. transition.From.Select(status => status.ToName())]);

    /// <summary><c>'COMPLETED'</c>: the status the transition leads to, as a literal.</summary>
    public static string To(TaskTransition transition) => $"'{transition.To.ToName()}'";

    /// <inheritdoc cref="To(TaskTransition)"/>
    public static string To(WorkflowTransition transition) => $"'{transition.To.ToName()}'";

    /// <summary><c>status IN ('PENDING', 'RUNNING', 'WAITING')</c>: any of <paramref name="statuses"/>, as the domain lists them.</summary>
    public static string AnyOf(IEnumerable<WorkflowTaskStatus> statuses) => In([.. statuses.Select(status => status.ToName())]);

    private static string In(IReadOnlyList<string> statuses) => statuses.Count == 1
        ? $"status = '{statuses[0]}'"
        : $"status IN ({string.Join(", ", statuses.Select(status => $"'{status}'"))})";
}
