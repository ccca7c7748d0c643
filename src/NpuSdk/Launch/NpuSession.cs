using System.Runtime.CompilerServices;
using NpuSdk.KernelModel.Patterns;
using NpuSdk.Launch;

namespace NpuSdk;

/// <summary>
/// Where generated <see cref="NpuKernelAttribute"/> methods run: a device, the kernels loaded on it (one context and
/// instruction buffer per kernel, loaded on first use) and a bounded pool of launch plans. Pass one as the leading
/// parameter of a kernel method, or let the method use <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Thread safety: calls may overlap freely. A call rents a plan for its block counts and gives it back when done; when
/// every plan for those counts is busy a new one is built, so concurrent callers never share buffers and no lock is held
/// while the device works. Calls whose shapes need the same number of blocks (1500 and 1499 rows on a 64-row kernel)
/// share plans. At most <see cref="MaxIdlePlans"/> idle plans are kept; the least recently used one is released first.
/// A plan whose runs failed or timed out is released, never reused. In steady state a call allocates nothing.
/// </remarks>
public sealed class NpuSession : IDisposable
{
    private static readonly ConditionalWeakTable<Device, NpuSession> s_byDevice = new();
    private static NpuSession? s_default;

    private readonly object _gate = new();
    // Methods bound to the same files and manifest share one loaded kernel.
    private readonly Dictionary<(string Xclbin, string Kernel, string Instructions, string Manifest), LoadedKernel> _kernels = new();
    private readonly Dictionary<(KernelBinding, GridKey), Stack<BlockPlan>> _idle = new();
    private readonly LinkedList<BlockPlan> _idleByAge = new();
    private readonly HashSet<BlockPlan> _rented = new(ReferenceEqualityComparer.Instance);
    private readonly bool _ownsDevice;
    private int _maxIdlePlans = 16;
    private int _building;
    private long _plansBuilt, _planHits, _plansEvicted, _plansDiscarded;
    private bool _disposed;

    /// <summary>A session on <paramref name="device"/>, finding xclbins in the application's directory.</summary>
    public NpuSession(Device device) : this(device, AppContext.BaseDirectory) { }

    /// <summary>A session on <paramref name="device"/>, finding xclbins and instruction files relative to <paramref name="baseDirectory"/>.</summary>
    public NpuSession(Device device, string baseDirectory) : this(device, baseDirectory, ownsDevice: false) { }

    private NpuSession(Device device, string baseDirectory, bool ownsDevice)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        Device = device;
        BaseDirectory = baseDirectory;
        _ownsDevice = ownsDevice;
    }

    /// <summary>
    /// The session kernel methods use when they take none: it opens <see cref="Device.Open(int)"/> on first use and is
    /// reused for the life of the process.
    /// </summary>
    public static NpuSession Default
    {
        get
        {
            var session = Volatile.Read(ref s_default);
            if (session is not null) return session;
            var opened = new NpuSession(Device.Open(), AppContext.BaseDirectory, ownsDevice: true);
            var winner = Interlocked.CompareExchange(ref s_default, opened, null);
            if (winner is null) return opened;
            opened.Dispose();
            return winner;
        }
    }

    /// <summary>The session of methods that take a <see cref="NpuSdk.Device"/>: one per device, created on first use.</summary>
    public static NpuSession For(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return s_byDevice.GetValue(device, static d => new NpuSession(d));
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>Where relative xclbin and instruction paths are resolved.</summary>
    public string BaseDirectory { get; }

    /// <summary>How many idle plans the session keeps for later calls (default 16); the least recently used go first.</summary>
    public int MaxIdlePlans
    {
        get => Volatile.Read(ref _maxIdlePlans);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            List<BlockPlan>? evicted;
            lock (_gate)
            {
                _maxIdlePlans = value;
                evicted = EvictOverCap();
            }
            Release(evicted);
        }
    }

    /// <summary>Launch plans built so far (a call whose block counts had no idle plan).</summary>
    public long PlansBuilt => Interlocked.Read(ref _plansBuilt);

    /// <summary>Calls that reused an idle plan.</summary>
    public long PlanHits => Interlocked.Read(ref _planHits);

    /// <summary>Idle plans released to stay within <see cref="MaxIdlePlans"/>.</summary>
    public long PlansEvicted => Interlocked.Read(ref _plansEvicted);

    /// <summary>Plans released because their runs failed or timed out.</summary>
    public long PlansDiscarded => Interlocked.Read(ref _plansDiscarded);

    /// <summary>Plans kept idle for later calls now.</summary>
    public int IdlePlans
    {
        get { lock (_gate) return _idleByAge.Count; }
    }

    internal BlockPlan Rent(KernelBinding binding, GridKey key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryGetValue((binding, key), out var stack) && stack.TryPop(out var idle))
            {
                _idleByAge.Remove(idle.IdleNode);
                _rented.Add(idle);
                _planHits++;
                NpuTelemetry.PlanHit();
                return idle;
            }
            // Counted from here, so Dispose waits for a plan being built as for one rented.
            _building++;
        }
        BlockPlan? plan = null;
        try
        {
            plan = new BlockPlan(GetKernel(binding), binding, key);
        }
        finally
        {
            bool disposed;
            lock (_gate)
            {
                _building--;
                disposed = _disposed;
                if (plan is not null && !disposed)
                {
                    _rented.Add(plan);
                    _plansBuilt++;
                    NpuTelemetry.PlanBuilt();
                }
                Monitor.PulseAll(_gate);
            }
            if (plan is not null && disposed)
            {
                plan.Dispose();
                throw new ObjectDisposedException(nameof(NpuSession));
            }
        }
        return plan;
    }

    /// <summary>Gives a plan back after a call that completed (or never reached the device).</summary>
    internal void Return(BlockPlan plan)
    {
        List<BlockPlan>? evicted = null;
        bool disposed;
        lock (_gate)
        {
            _rented.Remove(plan);
            disposed = _disposed;
            if (!disposed)
            {
                var key = (plan.Binding, plan.Key);
                if (!_idle.TryGetValue(key, out var stack)) _idle[key] = stack = new Stack<BlockPlan>();
                stack.Push(plan);
                _idleByAge.AddFirst(plan.IdleNode);
                evicted = EvictOverCap();
            }
            Monitor.PulseAll(_gate);
        }
        if (disposed) plan.Dispose();
        Release(evicted);
    }

    private static void Release(List<BlockPlan>? plans)
    {
        if (plans is null) return;
        foreach (var p in plans) p.Dispose();
    }

    /// <summary>
    /// Releases a plan whose runs may not have finished: its runs are aborted first (the device is done with its
    /// buffers when that returns), and it never goes back to the pool. The next call with its shapes builds a new one.
    /// </summary>
    internal void Discard(BlockPlan plan)
    {
        try
        {
            plan.Abort();
        }
        catch (Exception e) when (e is NpuException or ObjectDisposedException)
        {
            // The call already fails with the error that made it discard the plan; a failed abort cannot be mended here.
        }
        finally
        {
            plan.Dispose();
            lock (_gate)
            {
                _rented.Remove(plan);
                _plansDiscarded++;
                NpuTelemetry.PlanDiscarded();
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Takes the least recently used idle plans out of the pool until it is within the cap; null when none (no allocation).</summary>
    private List<BlockPlan>? EvictOverCap()
    {
        List<BlockPlan>? evicted = null;
        while (_idleByAge.Count > _maxIdlePlans)
        {
            var oldest = _idleByAge.Last!.Value;
            _idleByAge.RemoveLast();
            var stack = _idle[(oldest.Binding, oldest.Key)];
            // The oldest idle plan of a key is at the bottom of its stack.
            var kept = stack.Reverse().Where(p => p != oldest).ToArray();
            stack.Clear();
            foreach (var p in kept) stack.Push(p);
            if (stack.Count == 0) _idle.Remove((oldest.Binding, oldest.Key));
            (evicted ??= new List<BlockPlan>()).Add(oldest);
            _plansEvicted++;
            NpuTelemetry.PlanEvicted();
        }
        return evicted;
    }

    private LoadedKernel GetKernel(KernelBinding binding)
    {
        var d = binding.Descriptor;
        var key = (d.XclbinPath, d.KernelName, d.InstructionsPath, d.ManifestText);
        lock (_gate)
        {
            // Disposed while this call built its plan: Dispose is waiting for it and is about to release the kernels.
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_kernels.TryGetValue(key, out var kernel))
                _kernels[key] = kernel = new LoadedKernel(Device, binding, BaseDirectory);
            return kernel;
        }
    }

    /// <summary>
    /// Waits for the calls in flight to leave the device, then releases every plan and loaded kernel (and the device,
    /// for <see cref="Default"/>'s own). Calls that start afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        BlockPlan[] plans;
        LoadedKernel[] kernels;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            while (_rented.Count > 0 || _building > 0) Monitor.Wait(_gate);
            plans = _idleByAge.ToArray();
            kernels = _kernels.Values.ToArray();
            _idle.Clear(); _idleByAge.Clear(); _kernels.Clear();
        }
        foreach (var plan in plans) plan.Dispose();
        foreach (var kernel in kernels) kernel.Dispose();
        if (_ownsDevice) Device.Dispose();
    }
}
