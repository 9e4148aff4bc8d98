namespace GoFlow.Domain;

/// <summary>
/// Thrown when code asks the domain for something its rules forbid, such as an illegal status transition.
/// It signals a bug in the caller, never bad client input: use cases validate input before reaching the domain.
/// </summary>
public sealed class DomainException(string message) : Exception(message);
