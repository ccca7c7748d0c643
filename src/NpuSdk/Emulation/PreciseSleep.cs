using System.Runtime.InteropServices;

namespace NpuSdk.Emulation;

/// <summary>
/// A sleep shorter than a millisecond, for the emulator's modelled latencies: POSIX <c>nanosleep</c> where the system
/// has it (Linux and macOS wake within tens of microseconds), else a yield of the thread's time slice.
/// </summary>
internal static partial class PreciseSleep
{
    private static bool s_nanosleepMissing = OperatingSystem.IsWindows();

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int NanoSleep(in TimeSpec request, nint remaining);

    /// <summary>Sleeps about <paramref name="milliseconds"/> (under one second).</summary>
    public static void For(double milliseconds)
    {
        if (!s_nanosleepMissing)
        {
            try
            {
                NanoSleep(new TimeSpec { Seconds = 0, Nanoseconds = (nint)(milliseconds * 1e6) }, 0);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_nanosleepMissing = true;
            }
        }
        Thread.Yield();
    }
}
