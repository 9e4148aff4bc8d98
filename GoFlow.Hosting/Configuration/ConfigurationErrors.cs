using System.Text.RegularExpressions;
using GoFlow.Adapters.Http;
using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Application.Definitions;
using GoFlow.Worker;
using Microsoft.Extensions.Options;

namespace GoFlow.Hosting.Configuration;

/// <summary>
/// Turns the exceptions a bad setting causes at start (options validation, options binding, an unreadable
/// appsettings.json, GoFlow's own checks) into one line that names the setting and its value, so that a host with a
/// bad setting says what to fix instead of dumping a stack trace. Every other exception is not a configuration error.
/// </summary>
internal static partial class ConfigurationErrors
{
    public const string Prefix = "GoFlow cannot start, a setting is invalid: ";

    /// <summary>
    /// The section of each options type validated with data annotations, whose messages name only the property:
    /// the section turns the property into the setting whose value the line quotes.
    /// </summary>
    private static readonly Dictionary<Type, string> SectionByOptionsType = new()
    {
        [typeof(TaskPolicyOptions)] = TaskPolicyOptions.SectionName,
        [typeof(WorkerOptions)] = WorkerOptions.SectionName,
        [typeof(RetentionOptions)] = RetentionOptions.SectionName,
        [typeof(MySqlOptions)] = MySqlOptions.SectionName,
        [typeof(SqliteOptions)] = SqliteOptions.SectionName,
        [typeof(ApiOptions)] = ApiOptions.SectionName,
        [typeof(ServerOptions)] = ServerOptions.SectionName,
    };

    // Microsoft.Extensions.Configuration.Binder's text around any failure of a binding with ErrorOnUnknownConfiguration.
    private const string StrictBindingFailed = "'ErrorOnUnknownConfiguration' was set and binding has failed.";

    /// <summary>Settings whose value is a secret: the line names them but never quotes their value.</summary>
    private static readonly string[] SecretSettings = ["MySql:Password", "MySql:ConnectionString", "Api:Keys"];

    /// <summary>The one line that describes <paramref name="exception"/>, or null when it is not a configuration error.</summary>
    public static string? Describe(Exception exception, IConfiguration? configuration)
    {
        var failures = Failures(exception, configuration);
        return failures is null ? null : Prefix + OneLine(string.Join(" ", failures));
    }

    private static List<string>? Failures(Exception exception, IConfiguration? configuration)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                return [.. validation.Failures.Select(failure => WithValue(validation.OptionsType, failure, configuration))];
            case AggregateException aggregate:
                var all = new List<string>();
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Failures(inner, configuration) is not { } failures)
                    {
                        return null;
                    }

                    all.AddRange(failures);
                }

                return all.Count > 0 ? all : null;
            case InvalidConfigurationException invalid:
                return [invalid.Message];
            case InvalidDataException when exception.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal):
                // The JSON reader's own message says where the file stops being JSON.
                return [exception.InnerException is null ? exception.Message : $"{exception.Message} {exception.InnerException.Message}"];
            // A strict binding wraps the failure once per level of nesting: the innermost one names the setting.
            case InvalidOperationException { InnerException: InvalidOperationException inner }
                when exception.Message.StartsWith(StrictBindingFailed, StringComparison.Ordinal):
                return Failures(inner, configuration);
            case InvalidOperationException when BindingFailure().Match(exception.Message) is { Success: true } binding:
                var key = binding.Groups["key"].Value;
                return [$"{key} is {Quote(key, configuration?[key])}, which is not a valid {binding.Groups["type"].Value}."];
            case InvalidOperationException when UnknownSettings().Match(exception.Message) is { Success: true } unknown:
                var names = QuotedName().Matches(unknown.Groups["names"].Value).Select(name => name.Groups["name"].Value);
                return [$"{string.Join(", ", names.SelectMany(name => KeysNamed(name, configuration)))} is no setting GoFlow knows; check its spelling."];
            default:
                return null;
        }
    }

    /// <summary>
    /// The settings whose path holds <paramref name="name"/> below a dictionary entry (<c>Workflows:Refund:MaxAtempts</c>):
    /// the binder names only the property it did not find.
    /// </summary>
    private static IEnumerable<string> KeysNamed(string name, IConfiguration? configuration)
    {
        var keys = (configuration?.AsEnumerable() ?? [])
            .Select(setting => setting.Key.Split(':'))
            .Select(path => path.Length > 2 && Array.IndexOf(path, name, 2) is var at and > 0 ? string.Join(':', path[..(at + 1)]) : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return keys.Count > 0 ? keys : [$"'{name}'"];
    }

    /// <summary>A data-annotations failure names the property only; this names the setting and quotes its value.</summary>
    private static string WithValue(Type optionsType, string failure, IConfiguration? configuration)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success || !SectionByOptionsType.TryGetValue(optionsType, out var section))
        {
            return failure;
        }

        var settings = match.Groups["members"].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(member => $"{section}:{member}")
            .Select(key => $"{key} is {Quote(key, configuration?[key])}");
        return $"{string.Join(", ", settings)}: {match.Groups["error"].Value}";
    }

    private static string Quote(string key, string? value)
    {
        if (SecretSettings.Any(secret => key.StartsWith(secret, StringComparison.OrdinalIgnoreCase)))
        {
            return "(a secret, not shown)";
        }

        return value is null ? "not set" : $"'{OneLine(value)}'";
    }

    private static string OneLine(string text) => LineBreaks().Replace(text, " ");

    // Microsoft.Extensions.Options.DataAnnotations' failure text.
    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    // Microsoft.Extensions.Configuration.Binder's failure text.
    [GeneratedRegex(@"^Failed to convert configuration value( '.*')? at '(?<key>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    // The binder's text when ErrorOnUnknownConfiguration meets a setting its options type has no property for.
    [GeneratedRegex(@"^'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of [^:]+: (?<names>.*)$", RegexOptions.Singleline)]
    private static partial Regex UnknownSettings();

    [GeneratedRegex("'(?<name>[^']*)'")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}
