using System.Runtime.InteropServices;
using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;
using NpuSdk.Testing;

namespace NpuSdk.Benchmarks.Native;

/// <summary>
/// Points this process's XRT at its no-op device (XCL_EMULATION_MODE=noop, XILINX_XRT at a folder whose
/// lib/ links to the installed libxrt_* libraries) and opens the 16x16 tile kernel on it. The variables
/// are set with the C library's setenv because XRT reads them natively, which .NET's own API does not reach.
/// NPUSDK_BENCH_NOOP_DELAY_US=n makes the device complete each command n microseconds after submission
/// (XRT's Runtime.noop_completion_delay_us), standing in for an NPU's launch latency; unset, runs complete
/// at once and the figures are pure host cost.
/// </summary>
internal sealed partial class NoopXrtSetup : IDisposable
{
    /// <summary>Chooses the no-op device's completion delay for this process.</summary>
    public const string DelayVariable = "NPUSDK_BENCH_NOOP_DELAY_US";

    public NoopXrtSetup()
    {
        PrepareEnvironment();
        Emulation = LibraryKernel.TileMatMul16;
        XclbinPath = Path.Combine(Path.GetTempPath(), $"npusdk-bench-{Environment.ProcessId}.xclbin");
        File.Copy(Emulation.FilePath, XclbinPath, overwrite: true);
        Device = Device.Open(XrtBackend.Open());
        Context = new HwContext(Device, Device.RegisterXclbin(Emulation.Xclbin));
        Kernel = new Kernel(Context, Emulation.KernelName);
        Instr = new Bo(Device, (ulong)Emulation.Instructions.Length * 4, BoFlags.Cacheable, Kernel.GroupId(1));
    }

    public LibraryKernel Emulation { get; }
    public string XclbinPath { get; }
    public Device Device { get; }
    public HwContext Context { get; }
    public Kernel Kernel { get; }
    public Bo Instr { get; }

    /// <summary>A run with the mlir-aie arguments bound: opcode 3, instructions, word count, input, output.</summary>
    public Run BoundRun(Bo input, Bo output)
    {
        var run = new Run(Kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, Instr);
        run.SetArg(2, (uint)Emulation.Instructions.Length);
        run.SetArg(3, input);
        run.SetArg(4, output);
        return run;
    }

    public void Dispose()
    {
        Device.Dispose();
        File.Delete(XclbinPath);
    }

    internal static void PrepareEnvironment()
    {
        string libs = NoopXrtRoot.FindLibraries()
            ?? throw new InvalidOperationException("XRT's no-op device library (libxrt_noop) is not installed; apt-get install libxrt-dev.");
        string root = NoopXrtRoot.Create(libs);
        if (int.TryParse(Environment.GetEnvironmentVariable(DelayVariable), out int delayUs) && delayUs > 0)
        {
            string ini = Path.Combine(Path.GetTempPath(), $"npusdk-bench-xrt-{Environment.ProcessId}.ini");
            File.WriteAllText(ini, $"[Runtime]\nnoop_completion_delay_us={delayUs}\n");
            SetEnv("XRT_INI_PATH", ini, 1);
        }
        SetEnv("XCL_EMULATION_MODE", "noop", 1);
        SetEnv("XILINX_XRT", root, 1);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
