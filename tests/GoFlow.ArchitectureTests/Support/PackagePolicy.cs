using System.Text.RegularExpressions;

namespace GoFlow.ArchitectureTests.Support;

/// <summary>Which packages (and shared frameworks) a project may use, as name patterns where <c>*</c> matches anything.</summary>
public sealed class PackagePolicy
{
    private readonly Regex[] _patterns;

    private PackagePolicy(string description, string[] patterns)
    {
        Description = description;
        _patterns = [.. patterns.Select(ToRegex)];
    }

    public static PackagePolicy None { get; } = new("no package", []);

    public static PackagePolicy Any { get; } = new("any package", ["*"]);

    public string Description { get; }

    public static PackagePolicy Only(params string[] patterns) =>
        new($"only {string.Join(", ", patterns)}", patterns);

    public bool Allows(string packageName) => _patterns.Any(pattern => pattern.IsMatch(packageName));

    private static Regex ToRegex(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
