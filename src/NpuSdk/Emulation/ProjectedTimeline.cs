namespace NpuSdk.Emulation;

/// <summary>
/// The two clocks of a <see cref="LatencyModel"/> projection: the host's and the device's, in seconds since the
/// device opened. The emulator advances it as a program runs; <c>npu plan</c> and the calibration test advance it with
/// the operations of a plan or of a published workload. Thread-safe.
/// </summary>
internal sealed class ProjectedTimeline(LatencyModel model)
{
    private readonly object _gate = new();
    private double _host, _deviceFree;

    public LatencyModel Model { get; } = model;

    /// <summary>The projected time so far: when both the host and the device are done.</summary>
    public double Seconds
    {
        get { lock (_gate) return Math.Max(_host, _deviceFree); }
    }

    /// <summary>Host work the model does not break down further (a context open, a language binding's overhead).</summary>
    public void Host(double seconds)
    {
        lock (_gate) _host += seconds;
    }

    public void OpenContext() => Host(Model.PerContextOpen.TotalSeconds);

    public void CloseContext() => Host(Model.PerContextClose.TotalSeconds);

    public void Allocate(ulong bytes) => Host(Model.AllocationSeconds(bytes));

    public void Sync(ulong bytes) => Host(Model.SyncSeconds(bytes));

    /// <summary>
    /// Submits <paramref name="runs"/> runs whose compute takes <paramref name="computeSeconds"/> in all: one command
    /// for a run started alone, one chain command per <see cref="LatencyModel.RunsPerChainCommand"/> runs of a run list.
    /// The host pays each command's submission; the device starts when it is free and the first command has arrived.
    /// </summary>
    /// <returns>When the device completes the last run, for <see cref="Wait"/>.</returns>
    public double Submit(int runs, double computeSeconds, bool chained)
    {
        if (runs <= 0) return 0;
        int commands = chained ? Model.ChainCommands(runs) : 1;
        double submission = Model.PerSubmission.TotalSeconds;
        lock (_gate)
        {
            _host += submission;
            double start = Math.Max(_deviceFree, _host);
            // Later chain commands are submitted while the device works on the first: they only add their host cost.
            _host += (commands - 1) * submission;
            _deviceFree = start + commands * Model.PerCommandOnDevice.TotalSeconds + runs * Model.PerRun.TotalSeconds + computeSeconds;
            return _deviceFree;
        }
    }

    /// <summary>A wait on work that completes at <paramref name="completion"/>: blocks and wakes if it is later than the host's clock, else costs nothing.</summary>
    public void Wait(double completion)
    {
        lock (_gate)
        {
            if (completion > _host) _host = completion + Model.PerBlockingWait.TotalSeconds;
        }
    }
}
