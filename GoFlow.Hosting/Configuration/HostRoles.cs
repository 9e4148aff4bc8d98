namespace GoFlow.Hosting.Configuration;

/// <summary>
/// What this process does, from <c>GoFlow:Roles</c> (environment <c>GoFlow__Roles</c>): <c>Api</c>, <c>Worker</c>,
/// or both (the default, <c>Api,Worker</c>). API and worker nodes then scale separately against one MySQL database.
/// </summary>
internal sealed record HostRoles(bool Api, bool Worker)
{
    public const string Key = "GoFlow:Roles";

    public static HostRoles From(IConfiguration configuration)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new HostRoles(Api: true, Worker: true);
        }

        var api = false;
        var worker = false;
        foreach (var role in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (role.Equals("Api", StringComparison.OrdinalIgnoreCase))
            {
                api = true;
            }
            else if (role.Equals("Worker", StringComparison.OrdinalIgnoreCase))
            {
                worker = true;
            }
            else
            {
                throw new InvalidConfigurationException(
                    $"{Key} has an unknown role '{role}'; use Api, Worker or Api,Worker.");
            }
        }

        return api || worker
            ? new HostRoles(api, worker)
            : throw new InvalidConfigurationException($"{Key} names no role; use Api, Worker or Api,Worker.");
    }
}
