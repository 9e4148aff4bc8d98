namespace GoFlow.ArchitectureTests.Support;

/// <summary>Compares what a project references with what its rule allows; pure, so a test can feed it a forbidden reference.</summary>
public static class ReferenceChecker
{
    /// <returns>One readable line per reference the rule forbids; empty when every reference is allowed.</returns>
    public static IReadOnlyList<string> FindViolations(
        string project, IEnumerable<Reference> references, IReadOnlySet<string> allowedProjects, PackagePolicy packages)
    {
        var violations = new List<string>();
        foreach (var reference in references)
        {
            var allowed = reference.Kind switch
            {
                ReferenceKind.Project => allowedProjects.Contains(reference.Name),
                ReferenceKind.Package or ReferenceKind.Framework => packages.Allows(reference.Name),
                _ => false,
            };

            if (!allowed)
            {
                var rule = reference.Kind == ReferenceKind.Project
                    ? $"may reference {(allowedProjects.Count == 0 ? "no project" : string.Join(", ", allowedProjects.Order(StringComparer.Ordinal)))}"
                    : $"may use {packages.Description}";
                violations.Add($"{project} must not reference {reference}: it {rule}.");
            }
        }

        return violations;
    }

    public static IReadOnlyList<string> FindViolations(DependencyRule rule, IEnumerable<Reference> references) =>
        FindViolations(rule.Project, references, rule.AllowedProjects, rule.Packages);
}
