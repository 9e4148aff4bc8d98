using System.Globalization;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Http.Security;

/// <summary>The rules on <see cref="ApiOptions.Keys"/>; the ranges are data annotations on the options.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        for (var index = 0; index < options.Keys.Count; index++)
        {
            // Messages name the key by its position only: a key, even a broken one, never reaches a log.
            var key = options.Keys[index];
            var setting = string.Create(CultureInfo.InvariantCulture, $"{ApiOptions.SectionName}:Keys:{index}");
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"{setting} is blank; give every API key a value, or remove it.");
            }
            else if (!key.All(IsVisibleAscii))
            {
                // HTTP trims spaces around a header value and does not reliably carry anything outside ASCII, so such
                // a key could never be presented: better to say so at start than to answer 401 forever.
                failures.Add(
                    $"{setting} contains a space, a control character or a character outside ASCII; " +
                    "an API key must be letters, digits and punctuation only (for example: openssl rand -hex 32).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsVisibleAscii(char character) => character is >= '!' and <= '~';
}
