using System.ComponentModel.DataAnnotations;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Where GoFlow's MySQL database is and how the connection pool behaves. Bound from the <c>MySql</c> configuration
/// section (environment <c>MySql__Host</c> and so on) and validated at start: a bad value stops the host with a message
/// that names the option.
/// </summary>
/// <remarks>
/// Give either <see cref="ConnectionString"/>, or <see cref="Host"/> and <see cref="Database"/> (with
/// <see cref="Port"/>, <see cref="Username"/> and <see cref="Password"/> as needed). The pool options apply in both cases.
/// </remarks>
public sealed class MySqlOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MySql";

    /// <summary>
    /// A MySqlConnector connection string that names a <c>Database</c>. Default: none. When set, it wins over
    /// <see cref="Host"/>, <see cref="Port"/>, <see cref="Username"/>, <see cref="Password"/> and <see cref="Database"/>,
    /// which are then ignored; the pool options below still override its pool settings.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The server's host name or address. Default: none (required unless <see cref="ConnectionString"/> is set).</summary>
    public string? Host { get; set; }

    /// <summary>The server's TCP port. Default: 3306.</summary>
    [Range(1, 65535, ErrorMessage = "MySql:Port must be between {1} and {2}.")]
    public int Port { get; set; } = 3306;

    /// <summary>The user GoFlow connects as. Default: none (MySqlConnector then sends an empty user name).</summary>
    public string? Username { get; set; }

    /// <summary>That user's password. Default: none (empty).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The database that holds GoFlow's tables; created at start when missing and <see cref="ApplySchemaOnStart"/> is on.
    /// Default: none (required unless <see cref="ConnectionString"/> is set).
    /// </summary>
    public string? Database { get; set; }

    /// <summary>
    /// The most connections open at once, in use or idle (Go's <c>SetMaxOpenConns</c>); maps to MySqlConnector's
    /// <c>MaximumPoolSize</c>. A caller that needs one more waits for one to be returned. Up to 6 of them, never more than
    /// half, stay open for the hot transactions between uses (ADR 0040). Default: 25 connections.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "MySql:MaxOpenConnections must be between {1} and {2}.")]
    public int MaxOpenConnections { get; set; } = 25;

    /// <summary>
    /// Go's <c>SetMaxIdleConns</c>, kept so that existing settings (DB_MAX_IDLE_CONNS) still load. MySqlConnector's pool
    /// has no cap on idle connections, so this value is validated but changes nothing: the pool keeps an idle
    /// connection for its <c>ConnectionIdleTimeout</c> (180 s) and then closes it. It is deliberately not mapped to
    /// <c>MinimumPoolSize</c>, which would open that many connections eagerly and never close them.
    /// Default: 5 connections.
    /// </summary>
    [Range(0, 10_000, ErrorMessage = "MySql:MaxIdleConnections must be between {1} and {2}.")]
    public int MaxIdleConnections { get; set; } = 5;

    /// <summary>
    /// How long a connection may live before the pool closes it instead of reusing it (Go's <c>SetConnMaxLifetime</c>);
    /// maps to MySqlConnector's <c>ConnectionLifeTime</c>, which counts whole seconds (a fraction rounds up). A connection
    /// the hot transactions hold is handed back to the pool once it has been held this long, so its session can live up
    /// to about twice this (ADR 0040).
    /// <see cref="TimeSpan.Zero"/> means no limit. Default: 5 minutes.
    /// </summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the host creates the database when it is missing and applies schema.sql (which only creates what is
    /// missing) at start, before the API and the worker start. Default: true.
    /// </summary>
    public bool ApplySchemaOnStart { get; set; } = true;
}
