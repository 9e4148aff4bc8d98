using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace GoFlow.Hosting.Configuration;

/// <summary>The <c>Server</c> section: where the HTTP API listens (environment: SERVER_HOST, SERVER_PORT).</summary>
internal sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>The address to listen on. Default <c>localhost</c>, served on 127.0.0.1 only.</summary>
    [Required]
    public string Host { get; set; } = "localhost";

    /// <summary>The TCP port. Default 8080.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    public string Url
    {
        get
        {
            // "localhost" would make Kestrel bind the IPv6 loopback too; GoFlow binds exactly what it says.
            var host = Host == "localhost" ? "127.0.0.1" : Host;
            return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{Port}");
        }
    }
}

internal static class ServerAddress
{
    /// <summary>
    /// Listens on the <c>Server</c> section's address, unless ASP.NET Core's own <c>urls</c> setting is given.
    /// A bad value stops the host with a message that names it.
    /// </summary>
    public static IWebHostBuilder UseGoFlowServerAddress(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["urls"]))
        {
            return webHost;
        }

        var options = new ServerOptions();
        try
        {
            configuration.GetSection(ServerOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidConfigurationException(
                $"The {ServerOptions.SectionName} settings (SERVER_HOST, SERVER_PORT) are invalid: {exception.Message}",
                exception);
        }

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new InvalidConfigurationException(
                $"The {ServerOptions.SectionName} settings (SERVER_HOST, SERVER_PORT) are invalid: " +
                $"{ServerOptions.SectionName}:Host is '{options.Host}', {ServerOptions.SectionName}:Port is {options.Port}: " +
                string.Join(" ", errors.Select(error => error.ErrorMessage)));
        }

        return webHost.UseUrls(options.Url);
    }
}
