namespace GoFlow.Adapters.MySql;

/// <summary>
/// The texts of a statement whose text depends only on one count (the rows of an activity INSERT, the ids of a lock),
/// made once per count up to <paramref name="largestCached"/>: made per batch, each was a string of a few KB, and a
/// builder, per round trip. Larger counts are made each time.
/// </summary>
internal sealed class TextsByCount(int largestCached, Func<int, string> make)
{
    private readonly string?[] _texts = new string?[largestCached + 1];

    public string For(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count >= _texts.Length)
        {
            return make(count);
        }

        // Two callers may make the same text at once; either copy will do.
        return _texts[count] ??= make(count);
    }
}
