using System.Data;
using Dapper;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// The values of a batch statement's rows (<c>@Id0</c>, <c>@Output0</c>, ...), handed to the command as they are:
/// Dapper's <see cref="DynamicParameters"/> keeps an object per value and looks its type up again to add it, and a
/// group of 100 completions has about 2,500 values. A value Dapper must expand (a list for <c>IN @Ids</c>), or a template
/// object, goes in <paramref name="statement"/>, whose parameters are added first.
/// </summary>
internal sealed class BatchParameters(DynamicParameters? statement = null) : SqlMapper.IDynamicParameters
{
    private readonly List<(string Name, object? Value)> _values = [];

    public void Add(string name, object? value) => _values.Add((name, value));

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        if (statement is not null)
        {
            ((SqlMapper.IDynamicParameters)statement).AddParameters(command, identity);
        }

        var parameters = ((MySqlCommand)command).Parameters;
        foreach (var (name, value) in _values)
        {
            parameters.Add(new MySqlParameter(name, value ?? DBNull.Value));
        }
    }
}
