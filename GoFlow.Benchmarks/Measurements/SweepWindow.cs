namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// What the engine's retention sweep deleted while a run's engine worked: the workflow rows counted before the engine
/// started, plus those the run started, minus those counted once its last workflow finished. Nothing else deletes
/// workflows, so the difference is the sweep's, over the engine's life up to that moment.
/// </summary>
internal sealed class SweepWindow
{
    private readonly BenchmarkContext _context;
    private readonly long _rowsBefore;
    private readonly long _startedAt;

    private SweepWindow(BenchmarkContext context, long rowsBefore)
    {
        _context = context;
        _rowsBefore = rowsBefore;
        _startedAt = context.Time.GetTimestamp();
    }

    /// <summary>Opens a window when the options turn the sweep on; null when it is off.</summary>
    public static async Task<SweepWindow?> OpenAsync(BenchmarkContext context, CancellationToken cancellationToken) =>
        context.Options.Retention is null
            ? null
            : new SweepWindow(context, await context.Store.CountWorkflowsAsync(cancellationToken));

    /// <param name="startedInRun">The workflows the run created while the window was open.</param>
    public async Task<SweepFigures> CloseAsync(long startedInRun, CancellationToken cancellationToken)
    {
        var rowsAfter = await _context.Store.CountWorkflowsAsync(cancellationToken);
        return new SweepFigures(_rowsBefore + startedInRun - rowsAfter, _context.Time.GetElapsedTime(_startedAt).TotalSeconds);
    }

    /// <summary>", the sweep deleted N workflows (R/s)" for a progress line; nothing when the sweep was off.</summary>
    public static string Describe(SweepFigures? swept) =>
        swept is null ? string.Empty : $", the retention sweep deleted {swept.WorkflowsDeleted:N0} workflows ({swept.WorkflowsPerSecond:F0}/s)";
}
