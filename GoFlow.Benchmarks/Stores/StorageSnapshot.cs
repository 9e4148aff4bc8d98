namespace GoFlow.Benchmarks.Stores;

/// <summary>
/// One table's size: its rows (MySQL's estimate from its statistics, SQLite's exact count), the bytes of its rows and
/// of its indexes, and the bytes allocated to it but unused (pages freed by deletes, kept for new rows). A figure the
/// store does not give is null: SQLite's library here is built without the dbstat table that sizes each b-tree, so it
/// gives its whole file as a row of its own (<see cref="WholeFile"/>).
/// </summary>
internal sealed record TableSize(string Table, long? Rows, long? DataBytes, long? IndexBytes, long? FreeBytes)
{
    public const string WholeFile = "(the whole file: tables and indexes)";
}

/// <summary>
/// InnoDB's buffer pool counters since the server started (<c>SHOW GLOBAL STATUS</c>): the pages asked of the pool,
/// those that were not in it and were read from disk, and how many of its pages hold data.
/// </summary>
internal sealed record BufferPoolCounters(long ReadRequests, long DiskReads, long PagesData, long PagesTotal, long PoolBytes)
{
    /// <summary>The share of page requests between two readings that the pool answered without the disk; null when none was made.</summary>
    public static double? HitRate(BufferPoolCounters from, BufferPoolCounters to)
    {
        var requests = to.ReadRequests - from.ReadRequests;
        return requests <= 0 ? null : 1 - (double)(to.DiskReads - from.DiskReads) / requests;
    }
}

/// <summary>The database's tables and, on MySQL, its buffer pool, at one moment of a run, named by <paramref name="Label"/>.</summary>
internal sealed record StorageSnapshot(string Label, IReadOnlyList<TableSize> Tables, BufferPoolCounters? BufferPool)
{
    public long DataBytes => Tables.Sum(table => table.DataBytes ?? 0);

    public long IndexBytes => Tables.Sum(table => table.IndexBytes ?? 0);

    public long FreeBytes => Tables.Sum(table => table.FreeBytes ?? 0);
}
