using System.Data;
using Dapper;
using GoFlow.Domain;

namespace GoFlow.Adapters.MySql;

/// <summary>Appends activity rows inside the caller's transaction, all in one statement.</summary>
internal static class ActivityLog
{
    /// <summary>How many values <see cref="Insert"/> adds per row.</summary>
    public const int ValuesPerRow = 5;

    public static async Task AppendAsync(
        IDbTransaction transaction, IReadOnlyList<NewActivity> rows, CancellationToken cancellationToken)
    {
        var parameters = new BatchParameters(ValuesPerRow * rows.Count);
        await transaction.Connection!.ExecuteAsync(
            BatchStatement.Command(Insert(rows, parameters), parameters, transaction, cancellationToken));
    }

    /// <summary>
    /// The one INSERT that appends <paramref name="rows"/>, its values added to <paramref name="parameters"/>, for a
    /// caller that sends it in one round trip with other statements.
    /// </summary>
    public static string Insert(IReadOnlyList<NewActivity> rows, BatchParameters parameters)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            parameters.Add("LogWorkflowId", i, row.WorkflowId.Value);
            parameters.Add("LogTaskId", i, row.TaskId?.Value);
            parameters.Add("LogAction", i, row.Action);
            parameters.Add("LogDetails", i, row.Details);
            parameters.Add("LogCreatedAt", i, MySqlTime.ToDatabase(row.CreatedAt));
        }

        return MySqlTaskQueueSql.InsertActivityLogs(rows.Count);
    }
}
