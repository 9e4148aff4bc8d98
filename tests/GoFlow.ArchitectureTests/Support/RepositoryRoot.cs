namespace GoFlow.ArchitectureTests.Support;

internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The folder that holds GoFlow.sln, found by walking up from the test binaries.</summary>
    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GoFlow.sln above {AppContext.BaseDirectory}.");
    }
}
