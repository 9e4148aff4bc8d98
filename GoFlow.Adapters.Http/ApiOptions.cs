using System.ComponentModel.DataAnnotations;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http;

/// <summary>
/// Who may call the REST API and how large a request may be. Bound from the <c>Api</c> configuration section
/// (environment <c>Api__Keys__0</c>, <c>Api__AllowAnonymous</c>, ...) and validated at start: a bad value stops the host
/// with a message that names the option, never a key.
/// </summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Api";

    /// <summary>
    /// The largest <see cref="MaxRequestBodyBytes"/> accepted: <see cref="PayloadLimits.MaxBytesLimit"/> (4 MiB), the
    /// largest payload the engine can store.
    /// </summary>
    public const int MaxRequestBodyBytesLimit = PayloadLimits.MaxBytesLimit;

    /// <summary>The largest <see cref="MaxPayloadDepth"/> accepted: 64.</summary>
    /// <remarks>
    /// GoFlow reads stored payloads (to hand them to task handlers, to write them into answers) with System.Text.Json's
    /// default depth limit, 64 nested objects or arrays; a deeper payload could be stored but never run or shown.
    /// </remarks>
    public const int MaxPayloadDepthLimit = 64;

    /// <summary>
    /// The API keys. When at least one is set, every request except the health checks (<c>/health</c> and below) must
    /// carry one as <c>Authorization: Bearer &lt;key&gt;</c>. Each key must be visible ASCII without spaces, as an HTTP
    /// header carries it; a blank key stops the host at start. Give them from the environment or a secret store
    /// (<c>Api__Keys__0</c>, <c>Api__Keys__1</c>, ...), not in appsettings.json. Default: none.
    /// </summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>
    /// Without keys the API serves only on loopback addresses; listening on any other address without keys stops the
    /// host at start unless this is <c>true</c>, which accepts anonymous calls from the network and is warned about in
    /// the log at every start. Ignored (with a warning) when keys are set. Default: <c>false</c>.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// The largest request body accepted, in bytes; a larger one gets 413 and changes nothing. It bounds the workflow's
    /// input as stored too: a payload is stored as the UTF-8 text it was sent in. Default: 1 MiB (1,048,576 bytes,
    /// <see cref="PayloadLimits.DefaultMaxBytes"/>, the default of the engine's stored-output limit
    /// <c>StepOutput:MaxBytes</c>: raise both together); at most <see cref="MaxRequestBodyBytesLimit"/>.
    /// </summary>
    [Range(1, MaxRequestBodyBytesLimit, ErrorMessage = "Api:MaxRequestBodyBytes must be between {1} and {2} bytes.")]
    public int MaxRequestBodyBytes { get; set; } = PayloadLimits.DefaultMaxBytes;

    /// <summary>
    /// The deepest <c>input_payload</c> accepted, in levels of nested objects and arrays: the payload object itself is
    /// level 1, an object or array directly inside it level 2, and so on (strings, numbers, booleans and null add no
    /// level). A deeper payload gets 400 and changes nothing. Default: 31, the deepest MariaDB's JSON check stores
    /// (it refuses 32 nested objects or arrays); at most <see cref="MaxPayloadDepthLimit"/>.
    /// </summary>
    [Range(1, MaxPayloadDepthLimit, ErrorMessage = "Api:MaxPayloadDepth must be between {1} and {2} levels.")]
    public int MaxPayloadDepth { get; set; } = 31;
}
