using System.Text;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

internal sealed unsafe partial class CompiledStatement
{
    /// <summary>The rows of one run of a statement, read one at a time; disposing them ends the run.</summary>
    internal readonly struct Rows(CompiledStatement statement) : IDisposable
    {
        /// <summary>Moves to the next row: false when there is none.</summary>
        public bool Read() => statement.Step();

        public long GetInt64(int column) =>
            statement._nativeStatement != 0
                ? SqliteNative.ColumnInt64(statement._nativeStatement, column)
                : raw.sqlite3_column_int64(statement._statement, column);

        public string GetString(int column)
        {
            if (statement._nativeStatement == 0)
            {
                return raw.sqlite3_column_text(statement._statement, column).utf8_to_string() ?? throw NullText(column);
            }

            // The text first, then its length: SQLite's documented order, the length being that of the text as converted.
            var text = SqliteNative.ColumnText(statement._nativeStatement, column);
            return text is not null
                ? Encoding.UTF8.GetString(text, SqliteNative.ColumnBytes(statement._nativeStatement, column))
                : throw NullText(column);
        }

        public bool IsDBNull(int column) => statement.ColumnType(column) == raw.SQLITE_NULL;

        public void Dispose() => statement.Reset();

        private static InvalidOperationException NullText(int column) =>
            new($"Column {column} is NULL: ask IsDBNull before reading it as text.");
    }
}
