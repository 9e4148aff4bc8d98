using System.ComponentModel.DataAnnotations;
using GoFlow.Domain;

namespace GoFlow.Application.Tasks;

/// <summary>
/// What a step may store as its output, read from the <c>StepOutput</c> section (environment
/// <c>StepOutput__MaxBytes</c>) and validated at start.
/// </summary>
public sealed class StepOutputOptions
{
    public const string SectionName = "StepOutput";

    /// <summary>
    /// The largest output one step may store, in UTF-8 bytes of its JSON text. A handler that returns more fails its
    /// task for good, with an error that names both sizes: the same input would give the same output again, so no
    /// attempt is retried and nothing larger reaches the store. Default: 1 MiB (1,048,576 bytes,
    /// <see cref="PayloadLimits.DefaultMaxBytes"/>), the default of the HTTP request body limit
    /// <c>Api:MaxRequestBodyBytes</c>, so that a step that passes its input on unchanged can store it; at most 4 MiB
    /// (<see cref="PayloadLimits.MaxBytesLimit"/>).
    /// </summary>
    [Range(1, PayloadLimits.MaxBytesLimit, ErrorMessage = "StepOutput:MaxBytes must be between {1} and {2} bytes.")]
    public int MaxBytes { get; set; } = PayloadLimits.DefaultMaxBytes;
}
