namespace NpuSdk.Emulation;

/// <summary>What an injected fault does to the run it hits.</summary>
public enum EmulatorFaultKind
{
    /// <summary>The run completes in <see cref="CommandState.Error"/> without computing, as a kernel the firmware reports failed.</summary>
    Error,
    /// <summary>The run completes in <see cref="CommandState.Abort"/>, as one the device aborted.</summary>
    Abort,
    /// <summary>The run never completes: waits time out until it is aborted (a hung kernel).</summary>
    NeverComplete,
    /// <summary>The reference kernel throws; the run ends in <see cref="CommandState.Error"/> with the exception as its failure.</summary>
    Throw,
}

/// <summary>
/// Faults the emulator injects into the runs it executes, so a program can test its own error paths: each rule hits the
/// runs of one kernel (or every kernel), optionally only the run at one position of its submission (its index in the
/// run list; 0 for a run started alone), a given number of times.
/// </summary>
/// <example>
/// <code>
/// var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete, kernelName: "MLIR_AIE", invocation: 3);
/// using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Faults = faults }));
/// // The next call's run 3 hangs: its wait times out, the call throws NpuTimeoutException and aborts the rest;
/// // the call after it succeeds.
/// </code>
/// </example>
public sealed class EmulatorFaults
{
    private readonly object _gate = new();
    private readonly List<Rule> _rules = new();

    /// <summary>Adds a rule.</summary>
    /// <param name="kind">What the fault does.</param>
    /// <param name="kernelName">The kernel whose runs it hits, or null for every kernel.</param>
    /// <param name="invocation">The position in its submission of the run it hits, or null for any run.</param>
    /// <param name="times">How many runs it hits before it is used up (default one).</param>
    /// <returns>This object, for chaining.</returns>
    public EmulatorFaults Inject(EmulatorFaultKind kind, string? kernelName = null, int? invocation = null, int times = 1)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a fault kind.");
        if (invocation is < 0) throw new ArgumentOutOfRangeException(nameof(invocation), invocation, "A run's position in its submission is 0 or more.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate) _rules.Add(new Rule(kind, kernelName, invocation, times));
        return this;
    }

    /// <summary>How many injected faults have hit a run so far.</summary>
    public int Hits { get; private set; }

    /// <summary>The fault that hits this run, used up by one; null when none does.</summary>
    internal EmulatorFaultKind? Take(string kernelName, int invocation)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if (rule.Remaining == 0 || (rule.Kernel is not null && rule.Kernel != kernelName) || (rule.Invocation is int i && i != invocation)) continue;
                rule.Remaining--;
                Hits++;
                return rule.Kind;
            }
            return null;
        }
    }

    private sealed class Rule(EmulatorFaultKind kind, string? kernel, int? invocation, int times)
    {
        public EmulatorFaultKind Kind { get; } = kind;
        public string? Kernel { get; } = kernel;
        public int? Invocation { get; } = invocation;
        public int Remaining { get; set; } = times;
    }
}

/// <summary>The exception an injected <see cref="EmulatorFaultKind.Throw"/> fault raises inside a reference kernel.</summary>
public sealed class EmulatorInjectedFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmulatorInjectedFaultException(string message) : base(message) { }
}
