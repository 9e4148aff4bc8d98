using System.Xml.Linq;
using GoFlow.ArchitectureTests.Support;

namespace GoFlow.ArchitectureTests;

/// <summary>
/// The checker is seen to fail: a dependency check that has never reported a violation proves nothing.
/// These feed it forbidden references, through the real table, and expect it to say so.
/// </summary>
public sealed class ReferenceCheckerTests
{
    [TestCase(DependencyRules.Worker, ReferenceKind.Project, DependencyRules.Application)]
    [TestCase(DependencyRules.Http, ReferenceKind.Project, DependencyRules.Application)]
    [TestCase(DependencyRules.Http, ReferenceKind.Project, DependencyRules.MySql)]
    [TestCase(DependencyRules.MySql, ReferenceKind.Project, DependencyRules.Worker)]
    [TestCase(DependencyRules.Ports, ReferenceKind.Project, DependencyRules.Application)]
    [TestCase(DependencyRules.Domain, ReferenceKind.Project, DependencyRules.Ports)]
    [TestCase(DependencyRules.Application, ReferenceKind.Project, DependencyRules.Host)]
    [TestCase(DependencyRules.Domain, ReferenceKind.Package, "Dapper")]
    [TestCase(DependencyRules.Ports, ReferenceKind.Package, "FluentValidation")]
    [TestCase(DependencyRules.Application, ReferenceKind.Package, "MySqlConnector")]
    [TestCase(DependencyRules.Application, ReferenceKind.Package, "Microsoft.Extensions.Hosting")]
    [TestCase(DependencyRules.Domain, ReferenceKind.Framework, "Microsoft.AspNetCore.App")]
    [TestCase(DependencyRules.Application, ReferenceKind.Framework, "Microsoft.AspNetCore.App")]
    public void FindViolations_ForbiddenReference_ReportsIt(string project, ReferenceKind kind, string name)
    {
        var forbidden = new Reference(kind, name, "test");

        var violations = ReferenceChecker.FindViolations(DependencyRules.For(project), [forbidden]);

        Assert.That(violations, Has.Count.EqualTo(1));
        Assert.That(violations[0], Does.Contain(project).And.Contain(name));
    }

    [TestCase(DependencyRules.Ports, ReferenceKind.Project, DependencyRules.Domain)]
    [TestCase(DependencyRules.Worker, ReferenceKind.Project, DependencyRules.Ports)]
    [TestCase(DependencyRules.Host, ReferenceKind.Project, DependencyRules.Application)]
    [TestCase(DependencyRules.Application, ReferenceKind.Package, "FluentValidation")]
    [TestCase(DependencyRules.Application, ReferenceKind.Package, "Microsoft.Extensions.DependencyInjection.Abstractions")]
    [TestCase(DependencyRules.MySql, ReferenceKind.Package, "Dapper")]
    [TestCase(DependencyRules.Http, ReferenceKind.Framework, "Microsoft.AspNetCore.App")]
    public void FindViolations_AllowedReference_ReportsNothing(string project, ReferenceKind kind, string name)
    {
        var allowed = new Reference(kind, name, "test");

        Assert.That(ReferenceChecker.FindViolations(DependencyRules.For(project), [allowed]), Is.Empty);
    }

    [Test]
    public void FindViolations_WorkerProjectFileReferencingApplication_ReportsIt()
    {
        // The same parser the real project files go through, on a Worker that took the forbidden shortcut.
        var workerProjectFile = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\GoFlow.Domain\GoFlow.Domain.csproj" />
                <ProjectReference Include="..\GoFlow.Ports\GoFlow.Ports.csproj" />
                <ProjectReference Include="..\GoFlow.Application\GoFlow.Application.csproj" />
              </ItemGroup>
            </Project>
            """);

        var violations = ReferenceChecker.FindViolations(
            DependencyRules.For(DependencyRules.Worker), ProjectFile.Read(workerProjectFile, "GoFlow.Worker.csproj"));

        Assert.That(violations, Has.Count.EqualTo(1));
        Assert.That(violations[0], Does.Contain(DependencyRules.Application));
    }

    [Test]
    public void FindViolations_DomainProjectFileOnTheWebSdkWithAPackage_ReportsBoth()
    {
        var domainProjectFile = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <ItemGroup Condition="'$(Configuration)' == 'Debug'">
                <PackageReference Include="Dapper" />
              </ItemGroup>
            </Project>
            """);

        var violations = ReferenceChecker.FindViolations(
            DependencyRules.For(DependencyRules.Domain), ProjectFile.Read(domainProjectFile, "GoFlow.Domain.csproj"));

        Assert.That(violations, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(violations, Has.Some.Contain("Microsoft.AspNetCore.App"));
            Assert.That(violations, Has.Some.Contain("Dapper"));
        });
    }

    [TestCase("PrivateAssets=\"all\" IncludeAssets=\"analyzers; build; buildtransitive\"", false)]
    [TestCase("PrivateAssets=\"all\"", true)]
    [TestCase("IncludeAssets=\"analyzers; build\"", true)]
    public void Read_PackageReference_CountsUnlessBuildOnly(string assets, bool counts)
    {
        var domainProjectFile = XDocument.Parse($"""
            <Project><ItemGroup><PackageReference Include="Some.Analyzers" {assets} /></ItemGroup></Project>
            """);

        var violations = ReferenceChecker.FindViolations(
            DependencyRules.For(DependencyRules.Domain), ProjectFile.Read(domainProjectFile, "GoFlow.Domain.csproj"));

        Assert.That(violations.Any(), Is.EqualTo(counts));
    }

    [Test]
    public void FindViolations_HostingAssemblyCheckedAsTheWorker_ReportsApplicationAndTheOtherAdapters()
    {
        // A real compiled assembly that references Application and every adapter (the hosting library), held to the Worker's rule.
        var hostingReferences = CompiledReferences.Read(DependencyRules.For(DependencyRules.Hosting).Assembly);

        var violations = ReferenceChecker.FindViolations(DependencyRules.For(DependencyRules.Worker), hostingReferences);

        Assert.Multiple(() =>
        {
            Assert.That(violations, Has.Some.Contain($"project {DependencyRules.Application}"));
            Assert.That(violations, Has.Some.Contain($"project {DependencyRules.Http}"));
            Assert.That(violations, Has.Some.Contain($"project {DependencyRules.MySql}"));
        });
    }

    [Test]
    public void FindViolations_ApplicationAssemblyCheckedAsTheDomain_ReportsPortsAndPackages()
    {
        var applicationReferences = CompiledReferences.Read(DependencyRules.For(DependencyRules.Application).Assembly);

        var violations = ReferenceChecker.FindViolations(DependencyRules.For(DependencyRules.Domain), applicationReferences);

        Assert.Multiple(() =>
        {
            Assert.That(violations, Has.Some.Contain($"project {DependencyRules.Ports}"));
            Assert.That(violations, Has.Some.Contain("package "));
        });
    }
}
