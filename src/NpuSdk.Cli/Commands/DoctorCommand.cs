using System.CommandLine;
using NpuSdk.Cli.Doctor;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu doctor</c>: what the xrt backend needs on this machine and what it finds (OS, XRT and where, the shim and its
/// capabilities, NPU device nodes with driver and firmware, memlock and power), which backend a program gets and why,
/// and what to install. It reads and reports; it changes nothing, and exits 0 whatever it finds.
/// </summary>
internal sealed class DoctorCommand(DoctorMachine machine) : INpuCommand
{
    public string Usage => "npu doctor";

    public Command Create()
    {
        var command = new Command("doctor", "Report what the xrt backend needs and finds here, which backend a program gets and why, and what to install.");
        command.SetAction(r =>
        {
            Cli.Out(r).Write(new DoctorReport(machine).Write());
            return NpuCommandLine.Ok;
        });
        return command;
    }
}
