using System.Reflection;
using System.Runtime.CompilerServices;

namespace GoFlow.ArchitectureTests;

/// <summary>
/// Adapters are internal except for their entry points: static classes of extension methods that register
/// them (services, middleware, routes) and their options types. Everything else is <c>internal sealed</c>.
/// </summary>
public sealed class PublicSurfaceTests
{
    // The builders an entry point may extend: DI registration, the middleware pipeline, route mapping.
    private static readonly string[] RegistrationTargets =
    [
        "Microsoft.Extensions.DependencyInjection.IServiceCollection",
        "Microsoft.AspNetCore.Builder.IApplicationBuilder",
        "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder",
    ];

    [TestCaseSource(typeof(DependencyRules), nameof(DependencyRules.Adapters))]
    public void AdapterAssembly_PublicTypes_AreOnlyRegistrationAndOptions(string project)
    {
        var unexpected = PublicTypesBeyondRegistrationAndOptions(DependencyRules.For(project).Assembly);

        Assert.That(unexpected, Is.Empty, $"{project} exposes types other than its registration and options; make them internal");
    }

    [Test]
    public void PublicTypesBeyondRegistrationAndOptions_DomainAssembly_ReportsItsAggregates()
    {
        // The check seen to fail: the domain is public by design, so held to the adapters' rule it must be reported.
        var unexpected = PublicTypesBeyondRegistrationAndOptions(typeof(Domain.WorkflowInstance).Assembly);

        Assert.That(unexpected, Does.Contain(typeof(Domain.WorkflowInstance).FullName).And.Contain(typeof(Domain.WorkflowId).FullName));
    }

    [TestCaseSource(typeof(DependencyRules), nameof(DependencyRules.Adapters))]
    public void AdapterAssembly_PublicTypes_IncludeARegistrationEntryPoint(string project)
    {
        var publicTypes = DependencyRules.For(project).Assembly.GetExportedTypes();

        Assert.That(publicTypes.Any(IsRegistration), Is.True, $"{project} has no public Add…/Map… extension class");
    }

    [TestCaseSource(typeof(DependencyRules), nameof(DependencyRules.Adapters))]
    public void AdapterAssembly_OptionsConstants_AreSectionNamesOrBoundsOfASetting(string project)
    {
        // A public constant of an options type is something a user configures against: the section to bind, or the
        // bound a setting must stay within (…Limit). Anything else is the adapter's own working and stays internal.
        var unexpected = DependencyRules.For(project).Assembly.GetExportedTypes()
            .Where(IsOptions)
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(field => field.IsLiteral && field.Name != "SectionName" && !field.Name.EndsWith("Limit", StringComparison.Ordinal))
            .Select(field => $"{field.DeclaringType!.Name}.{field.Name}");

        Assert.That(unexpected, Is.Empty, $"{project}'s options expose constants a user does not configure against; make them internal");
    }

    [TestCase(typeof(PublicSurfaceTests), false)]
    [TestCase(typeof(Support.ReferenceChecker), false)]
    [TestCase(typeof(Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions), true)]
    public void IsRegistration_KnownType_Classified(Type type, bool expected)
    {
        Assert.That(IsRegistration(type), Is.EqualTo(expected));
    }

    private static List<string?> PublicTypesBeyondRegistrationAndOptions(Assembly assembly) =>
    [
        .. assembly.GetExportedTypes()
            .Where(type => !type.Name.StartsWith('<')) // compiler-generated extension-block markers
            .Where(type => !IsOptions(type) && !IsRegistration(type))
            .Select(type => type.FullName),
    ];

    private static bool IsOptions(Type type) =>
        type.IsClass && !type.IsAbstract && type.Name.EndsWith("Options", StringComparison.Ordinal);

    private static bool IsRegistration(Type type)
    {
        var isStaticClass = type.IsClass && type.IsAbstract && type.IsSealed;
        if (!isStaticClass)
        {
            return false;
        }

        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
        return methods.Length > 0 && methods.All(method =>
            method.IsDefined(typeof(ExtensionAttribute), inherit: false)
            && RegistrationTargets.Contains(method.GetParameters()[0].ParameterType.FullName));
    }
}
