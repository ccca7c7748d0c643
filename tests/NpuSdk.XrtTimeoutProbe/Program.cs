using System.Diagnostics;
using System.Runtime.InteropServices;
using NpuSdk;
using NpuSdk.Testing;

// Drives XRT's no-op device with every command completing only after a delay (xrt.ini Runtime.noop_completion_delay_us):
// a run list aborted while the device has not finished it returns and executes again, and a generated call waits for the
// device. XRT 2.13's no-op exec_wait ignores its timeout (it spins until a command completes), so a timed wait cannot
// time out here; the timeout path is tested on the asynchronous emulator, and this program says what the wait did.
// Prints one line per check ("ok ..." or "FAIL ...") and exits 0 only when every check holds.
//   usage: NpuSdk.XrtTimeoutProbe <delay-ms>
int delayMs = args.Length > 0 && int.TryParse(args[0], out int d) && d > 0 ? d : 1000;
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine((ok ? "ok " : "FAIL ") + what);
    if (!ok) failures++;
}

string? libraries = NoopXrtRoot.FindLibraries();
if (libraries is null)
{
    Console.WriteLine("FAIL XRT is not installed (no libxrt_coreutil and libxrt_noop)");
    return 2;
}
string root = NoopXrtRoot.Create(libraries);
string ini = Path.Combine(Path.GetTempPath(), $"npusdk-delay-{Environment.ProcessId}", "xrt.ini");
Directory.CreateDirectory(Path.GetDirectoryName(ini)!);
File.WriteAllText(ini, $"[Runtime]\nnoop_completion_delay_us={delayMs * 1000}\n");
Native.SetEnvironment("XCL_EMULATION_MODE", "noop");
Native.SetEnvironment("XILINX_XRT", root);
Native.SetEnvironment("XRT_INI_PATH", ini);
Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, "xrt");

try
{
    using var device = Device.Open();
    Check(device.BackendName == "xrt", $"backend {device.BackendName}: {device.BackendReason}");
    var a = new sbyte[16 * 16];
    var c = new sbyte[16 * 16];

    // 1. A run list the device has not finished, aborted: abort returns, the list is idle again and executes anew.
    var uuid = device.RegisterXclbin(Path.Combine(AppContext.BaseDirectory, "matmul_16x16_int8.xclbin"));
    using (var context = new HwContext(device, uuid))
    using (var kernel = new Kernel(context, "MLIR_AIE"))
    using (var instr = new Bo(device, 16, BoFlags.Cacheable, kernel.GroupId(1)))
    using (var input = new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3)))
    using (var output = new Bo(device, 256, BoFlags.HostOnly, kernel.GroupId(4)))
    using (var list = new RunList(context))
    {
        instr.Sync(SyncDirection.ToDevice);
        var runs = Enumerable.Range(0, 4).Select(_ =>
        {
            var run = new Run(kernel);
            run.SetArg(0, 3UL); run.SetArg(1, instr); run.SetArg(2, 4u); run.SetArg(3, input); run.SetArg(4, output);
            list.Add(run);
            return run;
        }).ToList();
        var clock = Stopwatch.StartNew();
        list.Execute();
        list.Abort();
        long abortMs = clock.ElapsedMilliseconds;
        // The no-op device delays every command, an abort command too: each run's abort returns when the device says so.
        Check(abortMs <= (runs.Count + 1) * delayMs + 2000, $"abort of an executing list of {runs.Count} runs returned after {abortMs} ms");
        clock.Restart();
        list.Execute();
        var state = list.Wait(TimeSpan.FromSeconds(60));
        Check(state == CommandState.Completed, $"the aborted list executed again and ended {state} after {clock.ElapsedMilliseconds} ms");
        foreach (var run in runs) run.Dispose();
    }

    // 2. A generated call waits for the delayed device and completes; a short timeout cannot fire on this device.
    using var session = new NpuSession(device) { MaxIdlePlans = 0 };
    var sw = Stopwatch.StartNew();
    Probe.Patient(session, new ReadOnlySpan2D<sbyte>(a, 16, 16), new ReadOnlySpan2D<sbyte>(a, 16, 16), new Span2D<sbyte>(c, 16, 16));
    Check(sw.ElapsedMilliseconds >= delayMs * 9 / 10, $"the generated call waited for the device: {sw.ElapsedMilliseconds} ms");
    sw.Restart();
    try
    {
        Probe.Quick(session, new ReadOnlySpan2D<sbyte>(a, 16, 16), new ReadOnlySpan2D<sbyte>(a, 16, 16), new Span2D<sbyte>(c, 16, 16));
        Console.WriteLine($"note a 200 ms wait returned only when the device completed, after {sw.ElapsedMilliseconds} ms");
    }
    catch (NpuTimeoutException e)
    {
        Console.WriteLine($"note the 200 ms wait timed out: {e.Message}");
    }
}
catch (Exception e)
{
    Check(false, $"unexpected {e.GetType().Name}: {e.Message}");
}
return failures == 0 ? 0 : 1;

/// <summary>The library's 16x16 int8 tile kernel with a short and a long timeout.</summary>
internal static partial class Probe
{
    [NpuKernel("matmul_16x16_int8.xclbin", TimeoutMilliseconds = 200)]
    public static partial void Quick(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    [NpuKernel("matmul_16x16_int8.xclbin", TimeoutMilliseconds = 30_000)]
    public static partial void Patient(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
}

internal static partial class Native
{
    /// <summary>XRT reads its variables through the C library: .NET's own environment does not reach it on Linux.</summary>
    public static void SetEnvironment(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0) throw new InvalidOperationException($"setenv({name}) failed");
        Environment.SetEnvironmentVariable(name, value);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
