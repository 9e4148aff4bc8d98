using System.Collections;
using System.Globalization;

namespace GoFlow.Hosting.Configuration;

/// <summary>
/// Maps the original engine's environment variables (DB_HOST, SERVER_PORT, ...) onto GoFlow's configuration keys,
/// so an existing deployment keeps working. They are added last and so win over appsettings.json.
/// </summary>
internal static class LegacyEnvironmentVariables
{
    private static readonly Dictionary<string, string> KeyByVariable = new(StringComparer.Ordinal)
    {
        ["DB_HOST"] = "MySql:Host",
        ["DB_PORT"] = "MySql:Port",
        ["DB_USERNAME"] = "MySql:Username",
        ["DB_PASSWORD"] = "MySql:Password",
        ["DB_NAME"] = "MySql:Database",
        ["DB_MAX_OPEN_CONNS"] = "MySql:MaxOpenConnections",
        ["DB_MAX_IDLE_CONNS"] = "MySql:MaxIdleConnections",
        ["DB_MAX_LIFETIME"] = "MySql:MaxLifetime",
        ["SERVER_HOST"] = "Server:Host",
        ["SERVER_PORT"] = "Server:Port",
    };

    public static IConfigurationBuilder AddLegacyEnvironmentVariables(this IConfigurationBuilder configuration) =>
        configuration.AddInMemoryCollection(Map(Environment.GetEnvironmentVariables()));

    internal static Dictionary<string, string?> Map(IDictionary variables)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in KeyByVariable)
        {
            if (variables[variable] is not string value || value.Length == 0)
            {
                continue;
            }

            settings[key] = variable == "DB_MAX_LIFETIME" ? ToTimeSpanText(variable, value) : value;
        }

        return settings;
    }

    private static string ToTimeSpanText(string variable, string value) =>
        GoDuration.TryParse(value, out var duration)
            ? duration.ToString("c", CultureInfo.InvariantCulture)
            : throw new InvalidConfigurationException(
                $"{variable}='{value}' is not a duration; use Go's form, such as 90s, 5m or 1h30m.");
}
