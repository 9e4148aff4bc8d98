using System.Diagnostics;
using System.Globalization;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// Stops a process a test started if the test process itself dies before its teardown can (a run killed by a timeout,
/// a crashed test host): a small bash loop beside it that checks once a second whether the test process still runs.
/// While it does, the guard does nothing, and it ends by itself once the guarded process has exited.
/// </summary>
internal sealed class OrphanGuard : IDisposable
{
    // Job-control signals are ignored so that a Ctrl+C or a SIGTERM sent to the whole process group, which takes the
    // test host down, does not take the guard with it. A zombie counts as gone, as in scripts/mariadb.sh. The process is
    // signalled only while its command line still names what was started, so a reused pid is never touched.
    private const string Script = """
        trap '' INT TERM HUP
        alive() {
            local state
            state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
            [[ -n "$state" && "$state" != Z && "$state" != X ]]
        }
        while alive "$GUARD_PARENT"; do
            alive "$GUARD_PID" || exit 0
            sleep 1
        done
        if tr '\0' ' ' <"/proc/$GUARD_PID/cmdline" 2>/dev/null | grep -qF -- "$GUARD_MATCH"; then
            kill "-$GUARD_SIGNAL" "$GUARD_PID" 2>/dev/null
            for _ in $(seq 600); do alive "$GUARD_PID" || break; sleep 0.1; done
        fi
        if [[ -n "$GUARD_THEN" ]]; then
            eval "$GUARD_THEN"
        fi
        """;

    private readonly Process _guard;

    private OrphanGuard(Process guard) => _guard = guard;

    /// <summary>
    /// Guards <paramref name="pid"/>: should the test process die first, sends it <paramref name="signal"/> (after checking
    /// that its command line still contains <paramref name="commandLineMatch"/>), waits for it to exit, then runs
    /// <paramref name="thenRun"/> (a bash command) if given.
    /// </summary>
    public static OrphanGuard Watch(int pid, string commandLineMatch, string signal, string? thenRun = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", Script },
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        start.Environment["GUARD_PARENT"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment["GUARD_PID"] = pid.ToString(CultureInfo.InvariantCulture);
        start.Environment["GUARD_MATCH"] = commandLineMatch;
        start.Environment["GUARD_SIGNAL"] = signal;
        start.Environment["GUARD_THEN"] = thenRun ?? string.Empty;
        return new OrphanGuard(Process.Start(start)!);
    }

    /// <summary>Ends the guard: the test is tearing down what it started itself.</summary>
    public void Dispose()
    {
        try
        {
            if (!_guard.HasExited)
            {
                _guard.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It ended by itself in the meantime.
        }
        finally
        {
            _guard.Dispose();
        }
    }
}
