namespace GoFlow.Hosting.Configuration;

/// <summary>
/// A setting GoFlow cannot start with; its message names the setting and its value (never a secret's value).
/// It derives from <see cref="InvalidOperationException"/>, which options binding and validation throw too.
/// </summary>
internal sealed class InvalidConfigurationException : InvalidOperationException
{
    public InvalidConfigurationException(string message)
        : base(message)
    {
    }

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
