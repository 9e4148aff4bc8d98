using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The few functions of SQLite that this adapter calls in the native library itself, on the raw handles, rather than
/// through SQLitePCL: the file control SQLitePCL 2.1 does not expose (<see cref="SqliteFileMoves"/>), and the calls every
/// run of a <see cref="CompiledStatement"/> makes.
/// </summary>
/// <remarks>
/// Why the statements' calls too: SQLitePCL wraps each statement in a <see cref="SafeHandle"/> and counts a reference up
/// and down around every call, and a task step makes dozens of them (binds, steps, resets, column reads); that was
/// about 1.5% of the process's CPU with 32 starters (docs/benchmarks.md, "Issue 16, round six: sqlite-six"). These are
/// called only when SQLitePCL runs on the same library (<see cref="Bundled"/>, the <c>e_sqlite3</c> that
/// Microsoft.Data.Sqlite bundles); with another SQLite under SQLitePCL its handles belong to that library, and the callers
/// go through SQLitePCL instead.
/// </remarks>
internal static unsafe partial class SqliteNative
{
    private const string BundledLibrary = "e_sqlite3";

    /// <summary>sqlite3.h's SQLITE_TRANSIENT: SQLite copies a bound value before the bind returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    private static bool? _bundled;

    /// <summary>Whether SQLitePCL runs on the bundled library, the one these functions are called in. Asked once a connection is open.</summary>
    public static bool Bundled => _bundled ??= raw.GetNativeLibraryName() == BundledLibrary;

    // zDbName NULL is the main database.
    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_file_control")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int FileControl(IntPtr connection, IntPtr databaseName, int operation, ref int argument);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_changes")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int Changes(IntPtr connection);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_last_insert_rowid")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial long LastInsertRowId(IntPtr connection);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_bind_int64")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int BindInt64(IntPtr statement, int position, long value);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_bind_text")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int BindText(IntPtr statement, int position, byte* utf8, int length, IntPtr destructor);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_bind_null")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int BindNull(IntPtr statement, int position);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_step")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int Step(IntPtr statement);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_reset")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int Reset(IntPtr statement);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_clear_bindings")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int ClearBindings(IntPtr statement);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_column_type")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int ColumnType(IntPtr statement, int column);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_column_int64")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial long ColumnInt64(IntPtr statement, int column);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_column_double")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial double ColumnDouble(IntPtr statement, int column);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_column_text")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial byte* ColumnText(IntPtr statement, int column);

    [LibraryImport(BundledLibrary, EntryPoint = "sqlite3_column_bytes")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int ColumnBytes(IntPtr statement, int column);
}
