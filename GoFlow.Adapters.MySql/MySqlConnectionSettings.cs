using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>Turns <see cref="MySqlOptions"/> into the driver's connection settings, in one place.</summary>
internal static class MySqlConnectionSettings
{
    public static MySqlConnectionStringBuilder Build(MySqlOptions options)
    {
        var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new MySqlConnectionStringBuilder
            {
                Server = options.Host,
                Port = (uint)options.Port,
                UserID = options.Username ?? string.Empty,
                Password = options.Password ?? string.Empty,
                Database = options.Database,
            }
            : new MySqlConnectionStringBuilder(options.ConnectionString);

        builder.MaximumPoolSize = (uint)options.MaxOpenConnections;
        builder.ConnectionLifeTime = (uint)Math.Min(Math.Ceiling(options.MaxLifetime.TotalSeconds), uint.MaxValue);

        // The adapter's mapping relies on these two, so they are not left to the connection string:
        // DATETIME(6) values are UTC and come back as DateTimeKind.Utc; CHAR(36) ids come back as Guid.
        builder.DateTimeKind = MySqlDateTimeKind.Utc;
        builder.GuidFormat = MySqlGuidFormat.Char36;
        return builder;
    }

    public static MySqlDataSource CreateDataSource(MySqlOptions options, ILoggerFactory? loggerFactory = null)
    {
        var builder = new MySqlDataSourceBuilder(Build(options).ConnectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
