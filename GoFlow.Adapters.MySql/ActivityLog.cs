using System.Data;
using Dapper;
using GoFlow.Domain;

namespace GoFlow.Adapters.MySql;

/// <summary>A row to append to activity_logs; <see cref="TaskId"/> is null for a row about the whole workflow.</summary>
internal sealed record NewActivity(WorkflowId WorkflowId, TaskId? TaskId, string Action, string Details, DateTimeOffset CreatedAt);

/// <summary>Appends activity rows inside the caller's transaction, all in one statement.</summary>
internal static class ActivityLog
{
    public static async Task AppendAsync(
        IDbTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            parameters.Add($"WorkflowId{i}", row.WorkflowId.Value);
            parameters.Add($"TaskId{i}", row.TaskId?.Value);
            parameters.Add($"Action{i}", row.Action);
            parameters.Add($"Details{i}", row.Details);
            parameters.Add($"CreatedAt{i}", MySqlTime.ToDatabase(row.CreatedAt));
        }

        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            MySqlSql.InsertActivityLogs(rows.Count), parameters, transaction, cancellationToken: cancellationToken));
    }
}
