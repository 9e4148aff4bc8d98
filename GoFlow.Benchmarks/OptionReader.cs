using System.Globalization;
using GoFlow.Benchmarks.Raw;

namespace GoFlow.Benchmarks;

/// <summary>
/// Reads the values of a parsed command line by type, each with its range, and remembers which names were read, so
/// that a name nobody asked for is reported as unknown.
/// </summary>
internal sealed class OptionReader(Dictionary<string, string> values)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public string? Text(string name)
    {
        _read.Add(name);
        return values.GetValueOrDefault(name);
    }

    public int? Int(string name, int minimum) => (int?)Long(name, minimum);

    public long? Long(string name, long minimum)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < minimum || value > int.MaxValue)
        {
            throw new ArgumentException($"--{name} must be a whole number from {minimum} to {int.MaxValue}, got '{text}'.");
        }

        return value;
    }

    public double? Double(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} must be a number greater than 0, got '{text}'.");
    }

    public TimeSpan? Seconds(string name) => Double(name) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public HashSet<BenchmarkPart>? Parts(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        var parts = new HashSet<BenchmarkPart>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            parts.Add(Enum.TryParse<BenchmarkPart>(item, ignoreCase: true, out var part) && !int.TryParse(item, out _)
                ? part
                : throw new ArgumentException(
                    $"--{name}: unknown part '{item}'; use {string.Join(',', Enum.GetNames<BenchmarkPart>().Select(n => n.ToLowerInvariant()))}."));
        }

        return parts.Count > 0 ? parts : throw new ArgumentException($"--{name} names no part.");
    }

    public Dictionary<string, string>? Pairs(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--{name}: expected NAME=VALUE, got '{item}'.");
            }

            pairs[item[..equals]] = item[(equals + 1)..];
        }

        return pairs;
    }

    public List<RawReplayMode>? RawModes(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        var modes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => Enum.TryParse<RawReplayMode>(item, ignoreCase: true, out var mode) && !int.TryParse(item, out _)
                ? mode
                : throw new ArgumentException($"--{name}: unknown mode '{item}'; use pending,handover."))
            .Distinct()
            .ToList();
        return modes.Count > 0 ? modes : throw new ArgumentException($"--{name} names no mode.");
    }

    public void ThrowOnUnknown()
    {
        var unknown = values.Keys.Where(key => !_read.Contains(key)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option {string.Join(", ", unknown.Select(key => "--" + key))}.");
        }
    }
}
