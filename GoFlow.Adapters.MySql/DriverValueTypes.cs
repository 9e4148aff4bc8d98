using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Gives a value holder (<see cref="MySqlParameter"/>) the type of the value it is handed, for the types the adapter
/// binds, so that the driver does not look it up. Given a value of a holder with no type set, the driver maps the value's
/// CLR type to a <c>DbType</c> and then searches its table of MySQL types, entry by entry, for one that lists that
/// <c>DbType</c>: 7–8% of the process's samples (docs/benchmarks.md, "Issue 16, round seven: mysql-seven"). Each type
/// here is the one the driver infers for the same value, asked of the driver once, so that what it sends is the same.
/// </summary>
internal static class DriverValueTypes
{
    private static readonly MySqlDbType StringType = Inferred(string.Empty);
    private static readonly MySqlDbType GuidType = Inferred(Guid.Empty);
    private static readonly MySqlDbType DateTimeType = Inferred(default(DateTime));
    private static readonly MySqlDbType IntType = Inferred(0);
    private static readonly MySqlDbType LongType = Inferred(0L);

    /// <summary>
    /// Sets <paramref name="holder"/>'s value to <paramref name="value"/> (<c>null</c> as <see cref="DBNull"/>), with its
    /// type given for the types above. A value of another type is left to the driver's inference, as before; a null
    /// keeps the holder's type, which a null is sent without.
    /// </summary>
    public static void Assign(MySqlParameter holder, object? value)
    {
        MySqlDbType? type = value switch
        {
            null or DBNull => null,
            string => StringType,
            Guid => GuidType,
            DateTime => DateTimeType,
            int => IntType,
            long => LongType,
            _ => null,
        };

        if (type is { } known)
        {
            holder.MySqlDbType = known;
        }
        else if (value is not (null or DBNull))
        {
            holder.ResetDbType();
        }

        holder.Value = value ?? DBNull.Value;
    }

    private static MySqlDbType Inferred(object value) => new MySqlParameter { Value = value }.MySqlDbType;
}
