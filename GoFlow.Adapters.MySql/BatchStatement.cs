using System.Data;
using Dapper;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The command of a statement whose text is built for one batch (a renewal's leases): its text changes with the batch's size and mix, so Dapper is told not to cache it. Dapper keys
/// its caches by the text, and kept each distinct one for the life of the process, several KB each for a batch of 100
/// (docs/benchmarks.md, issue 16). For the same reason its parameters never come from a template object alone (see
/// <see cref="BatchParameters"/>): for a template Dapper emits the code that reads it, per text, into a cache it never purges.
/// </summary>
internal static class BatchStatement
{
    public static CommandDefinition Command(
        string sql, BatchParameters parameters, IDbTransaction transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, flags: CommandFlags.Buffered | CommandFlags.NoCache, cancellationToken: cancellationToken);
}
