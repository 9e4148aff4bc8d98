namespace GoFlow.Domain;

/// <summary>A task id, assigned by the store in insertion order.</summary>
public readonly record struct TaskId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
