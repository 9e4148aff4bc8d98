using GoFlow.Host;
using GoFlow.Host.Configuration;

DotEnvFile.LoadFromWorkingDirectory();
return HostRunner.Run(args, Console.Error, ProgramComposition.ConfigureServices, ProgramComposition.ConfigureApp);

/// <summary>The entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
