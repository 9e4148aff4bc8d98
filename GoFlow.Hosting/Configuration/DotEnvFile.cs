namespace GoFlow.Hosting.Configuration;

/// <summary>Reads a <c>.env</c> file, as the original engine did, without overriding variables already set.</summary>
internal static class DotEnvFile
{
    public static void LoadFromWorkingDirectory()
    {
        var path = Path.Combine(Directory.GetCurrentDirectory(), ".env");
        if (File.Exists(path))
        {
            DotNetEnv.Env.NoClobber().Load(path);
        }
    }
}
