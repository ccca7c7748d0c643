using System.Runtime.CompilerServices;
using NpuSdk.KernelModel.Patterns;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

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
    private readonly Dictionary<string, LoadedKernel> _kernels = new(StringComparer.Ordinal);
    // Every call asks for its kernel: by the binding object first (its identity), by the binding's text key only the
    // first time a binding is seen, so methods of one design still share one loaded kernel. Weak: a descriptor made
    // and dropped by hand is not kept alive by the session.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<KernelBinding, LoadedKernel> _kernelsByBinding = new();
    private readonly Dictionary<(KernelBinding, GridKey, bool Tensors), Stack<LaunchPlan>> _idle = new();
    private readonly LinkedList<LaunchPlan> _idleByAge = new();
    private readonly bool _ownsDevice;
    private int _maxIdlePlans = 16;
    // Plans rented or being built and not yet returned or discarded: Dispose waits for them.
    private int _outstanding;
    private CompletionQueue? _completions;
    private readonly List<NpuSequence> _sequences = new();
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

    /// <summary>A session whose kernels' files are given instead of read from a folder: the npu tool's, planning a call.</summary>
    internal NpuSession(Device device, KernelFiles files) : this(device, "(files in memory)", ownsDevice: false) => Files = files;

    /// <summary>The kernels' files when they are not read from <see cref="BaseDirectory"/>.</summary>
    internal KernelFiles? Files { get; }

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
            List<LaunchPlan>? evicted;
            lock (_gate)
            {
                _maxIdlePlans = value;
                evicted = EvictOverCap();
            }
            Release(evicted);
        }
    }

    /// <summary>
    /// A 2-D tensor on this session's device: <paramref name="rows"/> x <paramref name="cols"/> elements, zero at first.
    /// Kernel methods take it where their operand's blocks are whole rows of it; see <see cref="NpuTensor{T}"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive, or the tensor is over 2 GiB.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public NpuTensor<T> CreateTensor<T>(int rows, int cols) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new NpuTensor<T>(this, rows, cols, isVector: false, DataMemoryGroup);
    }

    /// <summary>A 1-D tensor of <paramref name="length"/> elements on this session's device, zero at first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is not positive, or the tensor is over 2 GiB.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public NpuTensor<T> CreateTensor<T>(int length) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new NpuTensor<T>(this, 1, length, isVector: true, DataMemoryGroup);
    }

    /// <summary>
    /// The memory group tensors are allocated in: bank 0, which mlir-aie's and Riallto's builds connect every data
    /// argument to (HOST); a kernel whose connectivity says otherwise refuses the binding with the group it wants.
    /// </summary>
    private const int DataMemoryGroup = 0;

    /// <summary>
    /// Records the tensor calls <paramref name="calls"/> makes on this session, without running them, into a sequence
    /// that replays them all with one submission per hardware context (one per xclbin) and one wait per submission.
    /// Calls over spans, and asynchronous calls, cannot be recorded and throw inside <paramref name="calls"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A recorded call's tensors do not fit its kernel.</exception>
    /// <exception cref="InvalidOperationException">A span or asynchronous call was made while recording, or no call was.</exception>
    public NpuSequence Record(Action calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sequence = NpuSequence.Record(this, calls);
        lock (_gate)
        {
            if (_disposed)
            {
                sequence.Dispose();
                throw new ObjectDisposedException(nameof(NpuSession));
            }
            _sequences.Add(sequence);
        }
        return sequence;
    }

    internal void Forget(NpuSequence sequence)
    {
        lock (_gate) _sequences.Remove(sequence);
    }

    /// <summary>The thread that finishes asynchronous calls, started with the first.</summary>
    internal CompletionQueue Completions
    {
        get
        {
            var queue = Volatile.Read(ref _completions);
            if (queue is not null) return queue;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _completions ??= new CompletionQueue(this);
            }
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

    /// <summary>
    /// Rents a plan for <paramref name="key"/>'s block counts (an idle one, or a new one), holds <paramref name="lease"/>'s
    /// pin on the kernel's context until the call ends, and makes the plan's runs on that context if they are not there
    /// (a new plan, or one whose context was evicted while it was idle).
    /// </summary>
    internal LaunchPlan Rent(KernelBinding binding, GridKey key, bool tensors, in KernelLease lease)
    {
        var plan = RentPlan(binding, key, tensors, lease);
        try
        {
            plan.Bind(lease.Kernel);
        }
        catch
        {
            // A plan whose runs could not be made is never pooled half made.
            Discard(plan, release: false);
            throw;
        }
        plan.Hold(lease);
        return plan;
    }

    private LaunchPlan RentPlan(KernelBinding binding, GridKey key, bool tensors, in KernelLease lease)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryGetValue((binding, key, tensors), out var stack) && stack.TryPop(out var idle))
            {
                _idleByAge.Remove(idle.IdleNode);
                _outstanding++;
                _planHits++;
                NpuTelemetry.PlanHit();
                return idle;
            }
            // Counted from here, so Dispose waits for a plan being built as for one rented.
            _outstanding++;
        }
        LaunchPlan? plan = null;
        try
        {
            var kernel = GetKernel(binding);
            plan = tensors ? new TensorPlan(kernel, binding, key, ownsRunList: true, lease.Kernel) : new BlockPlan(kernel, binding, key, lease.Kernel);
        }
        finally
        {
            bool disposed;
            lock (_gate)
            {
                disposed = _disposed;
                if (plan is null || disposed) _outstanding--;
                else
                {
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

    /// <summary>
    /// Ends a call's hold on the device and its plan: the plan goes back to the pool when the device is done with its
    /// buffers (the runs completed, or were never submitted), else it is discarded.
    /// </summary>
    internal void EndCall(LaunchPlan plan, bool deviceDone)
    {
        try
        {
            if (deviceDone) Return(plan);
            else Discard(plan);
        }
        finally
        {
            Device.ExitCall();
        }
    }

    /// <summary>Gives back the pin on the plan's context once the device is done with the plan (or the plan is gone).</summary>
    private static void Unpin(LaunchPlan plan) => plan.ReleaseHold();

    /// <summary>Gives a plan back after a call that completed (or never reached the device).</summary>
    internal void Return(LaunchPlan plan)
    {
        Unpin(plan);
        List<LaunchPlan>? evicted = null;
        bool disposed;
        lock (_gate)
        {
            _outstanding--;
            disposed = _disposed;
            if (!disposed)
            {
                var key = (plan.Binding, plan.Key, plan.UsesTensors);
                if (!_idle.TryGetValue(key, out var stack)) _idle[key] = stack = new Stack<LaunchPlan>();
                stack.Push(plan);
                _idleByAge.AddFirst(plan.IdleNode);
                evicted = EvictOverCap();
            }
            Monitor.PulseAll(_gate);
        }
        if (disposed) plan.Dispose();
        Release(evicted);
    }

    private static void Release(List<LaunchPlan>? plans)
    {
        if (plans is null) return;
        foreach (var p in plans) p.Dispose();
    }

    /// <summary>
    /// Releases a plan whose runs may not have finished: its runs are aborted first (the device is done with its
    /// buffers when that returns), and it never goes back to the pool. The next call with its shapes builds a new one.
    /// </summary>
    internal void Discard(LaunchPlan plan) => Discard(plan, release: true);

    private void Discard(LaunchPlan plan, bool release)
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
            // Unpinned only after the abort: the device is done with the plan's runs, so its context may be evicted.
            if (release) Unpin(plan);
            lock (_gate)
            {
                _outstanding--;
                _plansDiscarded++;
                NpuTelemetry.PlanDiscarded();
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Takes the least recently used idle plans out of the pool until it is within the cap; null when none (no allocation).</summary>
    private List<LaunchPlan>? EvictOverCap()
    {
        List<LaunchPlan>? evicted = null;
        while (_idleByAge.Count > _maxIdlePlans)
        {
            var oldest = _idleByAge.Last!.Value;
            _idleByAge.RemoveLast();
            var stack = _idle[(oldest.Binding, oldest.Key, oldest.UsesTensors)];
            // The oldest idle plan of a key is at the bottom of its stack.
            var kept = stack.Reverse().Where(p => p != oldest).ToArray();
            stack.Clear();
            foreach (var p in kept) stack.Push(p);
            if (stack.Count == 0) _idle.Remove((oldest.Binding, oldest.Key, oldest.UsesTensors));
            (evicted ??= new List<LaunchPlan>()).Add(oldest);
            _plansEvicted++;
            NpuTelemetry.PlanEvicted();
        }
        return evicted;
    }

    internal LoadedKernel GetKernel(KernelBinding binding)
    {
        lock (_gate)
        {
            // Disposed while this call built its plan: Dispose is waiting for it and is about to release the kernels.
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_kernelsByBinding.TryGetValue(binding, out var kernel)) return kernel;
            if (!_kernels.TryGetValue(binding.Key, out kernel))
                _kernels[binding.Key] = kernel = new LoadedKernel(Device, binding, BaseDirectory, Files);
            _kernelsByBinding.AddOrUpdate(binding, kernel);
            return kernel;
        }
    }

    /// <summary>
    /// Waits for the calls in flight to leave the device, then releases every plan and loaded kernel (and the device,
    /// for <see cref="Default"/>'s own). Calls that start afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        LaunchPlan[] plans;
        LoadedKernel[] kernels;
        NpuSequence[] sequences;
        CompletionQueue? completions;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            while (_outstanding > 0) Monitor.Wait(_gate);
            plans = _idleByAge.ToArray();
            sequences = _sequences.ToArray();
            _sequences.Clear();
            completions = _completions;
            kernels = _kernels.Values.ToArray();
            _idle.Clear(); _idleByAge.Clear(); _kernels.Clear(); _kernelsByBinding.Clear();
        }
        completions?.Stop();
        foreach (var sequence in sequences) sequence.Dispose();
        foreach (var plan in plans) plan.Dispose();
        foreach (var kernel in kernels) kernel.Dispose();
        if (_ownsDevice) Device.Dispose();
    }
}

/// <summary>Xclbins and instruction streams by the paths a descriptor names them by, held in memory.</summary>
internal sealed class KernelFiles
{
    private readonly Dictionary<string, (XclbinFile Xclbin, uint[] Instructions)> _files = new(StringComparer.Ordinal);

    /// <summary>Adds a design's xclbin and instruction stream under the paths its descriptor names.</summary>
    public void Add(string xclbinPath, XclbinFile xclbin, string instructionsPath, uint[] instructions)
    {
        _files[xclbinPath] = (xclbin, instructions);
        _files[instructionsPath] = (xclbin, instructions);
    }

    public XclbinFile? Xclbin(string path) => _files.TryGetValue(path, out var f) ? f.Xclbin : null;

    public uint[]? Instructions(string path) => _files.TryGetValue(path, out var f) ? f.Instructions : null;
}
