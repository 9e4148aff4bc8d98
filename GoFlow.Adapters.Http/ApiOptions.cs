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

    /// <summary>
    /// How many times GoFlow's own limits on the request line and headers (<see cref="MaxRequestTargetBytes"/>,
    /// <see cref="MaxRequestHeadersBytes"/>, <see cref="MaxRequestHeaderCount"/>) the server's parser lets through to
    /// GoFlow's check: 4. A request a little over a limit, a client's mistake, gets GoFlow's 414 or 431 problem; only one
    /// this many times over is left to Kestrel, which answers it with an empty body (ADR 0016). Internal: nothing a user
    /// sets depends on it, and the options' documentation states it as "four times".
    /// </summary>
    internal const int ServerLimitFactor = 4;

    /// <summary>The largest <see cref="MaxRequestTargetBytes"/> accepted: 64 KiB.</summary>
    public const int MaxRequestTargetBytesLimit = 64 * 1024;

    /// <summary>
    /// The largest <see cref="MaxRequestHeadersBytes"/> accepted: 256 KiB, so that the server's limit (four times it)
    /// stays within Kestrel's default request buffer of 1 MiB.
    /// </summary>
    public const int MaxRequestHeadersBytesLimit = 256 * 1024;

    /// <summary>The largest <see cref="MaxRequestHeaderCount"/> accepted: 1,000.</summary>
    public const int MaxRequestHeaderCountLimit = 1000;

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

    /// <summary>
    /// The longest request target (the path and query as sent, <c>/workflows?status=FAILED</c>) accepted, in bytes; a
    /// longer one gets a 414 problem and changes nothing. Default: 8,192 (Kestrel's own default for the whole request
    /// line, which GoFlow raises to four times this); 256 to
    /// <see cref="MaxRequestTargetBytesLimit"/>.
    /// </summary>
    [Range(256, MaxRequestTargetBytesLimit, ErrorMessage = "Api:MaxRequestTargetBytes must be between {1} and {2} bytes.")]
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// The largest header section accepted, in bytes as sent (UTF-8): each field's name and value, plus 4 for its colon,
    /// space and line end. A larger one gets a 431 problem and changes nothing. Default: 32,768 (Kestrel's own default, which GoFlow
    /// raises to four times this); 1,024 to <see cref="MaxRequestHeadersBytesLimit"/>.
    /// </summary>
    [Range(1024, MaxRequestHeadersBytesLimit, ErrorMessage = "Api:MaxRequestHeadersBytes must be between {1} and {2} bytes.")]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// The most header fields accepted (a field sent twice counts twice); more get a 431 problem and change nothing.
    /// Default: 100 (Kestrel's own default, which GoFlow raises to four times this); 16 to
    /// <see cref="MaxRequestHeaderCountLimit"/>.
    /// </summary>
    [Range(16, MaxRequestHeaderCountLimit, ErrorMessage = "Api:MaxRequestHeaderCount must be between {1} and {2}.")]
    public int MaxRequestHeaderCount { get; set; } = 100;
}
