using System.Runtime.CompilerServices;
using NpuSdk.Launch;

namespace NpuSdk;

/// <summary>
/// Where generated <see cref="NpuKernelAttribute"/> methods run: a device, the kernels loaded on it (one
/// context and instruction buffer per kernel, loaded on first use) and a pool of launch plans per shape.
/// Pass one as the leading parameter of a kernel method, or let the method use <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Thread safety: calls may overlap freely. A call rents a plan for its shapes from the pool and returns
/// it when done; when every plan for those shapes is busy a new one is built, so concurrent callers never
/// share buffers and no lock is held while the device works. In steady state renting and returning
/// allocate nothing.
/// </remarks>
public sealed class NpuSession : IDisposable
{
    private static readonly ConditionalWeakTable<Device, NpuSession> s_byDevice = new();
    private static NpuSession? s_default;

    private readonly object _gate = new();
    private readonly Dictionary<NpuKernelBinding, LoadedKernel> _kernels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PlanKey, Stack<LaunchPlan>> _idle = new();
    private readonly List<LaunchPlan> _all = new();
    private readonly bool _ownsDevice;
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
    /// The session kernel methods use when they take none: it opens <see cref="Device.Open(int)"/> on first
    /// use and is reused for the life of the process.
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

    /// <summary>Rents the tile-matmul plan for these shapes, building it on first use.</summary>
    public TileMatMulPlan<TIn, TPart, TAcc, TOut, TRule> RentTileMatMul<TIn, TPart, TAcc, TOut, TRule>(
        NpuKernelBinding binding, int m, int k, int n, int tileM, int tileK, int tileN, bool packedInputs)
        where TIn : unmanaged where TPart : unmanaged where TAcc : unmanaged where TOut : unmanaged
        where TRule : IHostAccumulation<TPart, TAcc, TOut>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileM);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileK);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileN);
        var key = new PlanKey(binding, m, k, n);
        if (TryRent(key) is { } idle) return (TileMatMulPlan<TIn, TPart, TAcc, TOut, TRule>)idle;
        var plan = new TileMatMulPlan<TIn, TPart, TAcc, TOut, TRule>(GetKernel(binding), m, k, n, tileM, tileK, tileN, packedInputs) { PoolKey = key };
        Track(plan);
        return plan;
    }

    /// <summary>Rents the K-strip matmul plan for these shapes, building it on first use.</summary>
    /// <exception cref="ArgumentException">K, padded to <paramref name="kMultiple"/>, exceeds the kernel's <paramref name="kMax"/>.</exception>
    public KStripMatMulPlan<TIn, TOut, TRule> RentKStripMatMul<TIn, TOut, TRule>(
        NpuKernelBinding binding, int m, int k, int n, int tile, int kMultiple, int kMax)
        where TIn : unmanaged where TOut : unmanaged where TRule : IHostAccumulation<int, int, TOut>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tile);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kMultiple);
        long paddedK = ((long)k + kMultiple - 1) / kMultiple * kMultiple;
        if (paddedK > kMax)
            throw new ArgumentException($"{binding.Method}: K = {k} (padded to {paddedK}) exceeds the {kMax} the K-strip kernel '{binding.KernelName}' accumulates in one invocation.", "a");
        var key = new PlanKey(binding, m, k, n);
        if (TryRent(key) is { } idle) return (KStripMatMulPlan<TIn, TOut, TRule>)idle;
        var plan = new KStripMatMulPlan<TIn, TOut, TRule>(GetKernel(binding), m, k, n, tile, (int)paddedK) { PoolKey = key };
        Track(plan);
        return plan;
    }

    /// <summary>Rents the rowwise plan for these rows, building it on first use.</summary>
    /// <param name="binding">The method's binding.</param>
    /// <param name="rows">Rows of the matrix operands.</param>
    /// <param name="rowsPerInvocation">Rows one invocation processes.</param>
    /// <param name="cols">Columns of the matrix operands and length of the vector operands.</param>
    /// <param name="isMatrix">Per data buffer, in order: a matrix (row-blocked) or a vector (sent whole to every invocation).</param>
    /// <param name="inputs">How many of the data buffers, from the first, are inputs.</param>
    public RowwisePlan<T> RentRowwise<T>(NpuKernelBinding binding, int rows, int rowsPerInvocation, int cols, ReadOnlySpan<bool> isMatrix, int inputs) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerInvocation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        var key = new PlanKey(binding, rows, cols, 0);
        if (TryRent(key) is { } idle) return (RowwisePlan<T>)idle;
        var plan = new RowwisePlan<T>(GetKernel(binding), rows, rowsPerInvocation, cols, isMatrix, inputs) { PoolKey = key };
        Track(plan);
        return plan;
    }

    /// <summary>Rents the elementwise plan for this length, building it on first use.</summary>
    public ElementwisePlan<T> RentElementwise<T>(NpuKernelBinding binding, int length, int tile, int inputs, int outputs) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tile);
        var key = new PlanKey(binding, length, 0, 0);
        if (TryRent(key) is { } idle) return (ElementwisePlan<T>)idle;
        var plan = new ElementwisePlan<T>(GetKernel(binding), length, tile, inputs, outputs) { PoolKey = key };
        Track(plan);
        return plan;
    }

    /// <summary>Gives a plan back to the pool after a call.</summary>
    public void Return(LaunchPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            if (_disposed) return;
            if (!_idle.TryGetValue(plan.PoolKey, out var stack)) _idle[plan.PoolKey] = stack = new Stack<LaunchPlan>();
            stack.Push(plan);
        }
    }

    internal LoadedKernel GetKernel(NpuKernelBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_kernels.TryGetValue(binding, out var kernel))
                _kernels[binding] = kernel = new LoadedKernel(Device, binding, BaseDirectory);
            return kernel;
        }
    }

    private LaunchPlan? TryRent(PlanKey key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _idle.TryGetValue(key, out var stack) && stack.TryPop(out var plan) ? plan : null;
        }
    }

    private void Track(LaunchPlan plan)
    {
        lock (_gate) _all.Add(plan);
    }

    /// <summary>Releases every plan and loaded kernel (and the device, for <see cref="Default"/>'s own).</summary>
    public void Dispose()
    {
        LaunchPlan[] plans;
        LoadedKernel[] kernels;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            plans = _all.ToArray();
            kernels = _kernels.Values.ToArray();
            _all.Clear(); _idle.Clear(); _kernels.Clear();
        }
        foreach (var plan in plans) plan.Dispose();
        foreach (var kernel in kernels) kernel.Dispose();
        if (_ownsDevice) Device.Dispose();
    }
}
