namespace NpuSdk.Cli;

/// <summary>
/// Parses the command line and dispatches. Exit codes: 0 success, 1 usage error, 2 the input file is missing
/// or malformed (with exactly one line on stderr naming what is wrong).
/// </summary>
internal static class NpuCommandLine
{
    internal const int Ok = 0, UsageError = 1, BadFile = 2;

    internal const string Usage =
        "usage: npu inspect FILE [--json]   (FILE: an .xclbin, or an .insts.txt / .insts.bin instruction stream)\n" +
        "       " + EmulationXclbinCommand.Usage + "\n" +
        "         writes an emulation xclbin with the mlir-aie kernel ABI (opcode, instr, ninstr, bo0..bo{N-1}; kernel\n" +
        "         MLIR_AIE unless named; uuid derived from the seed, by default OUT's file stem) and a stand-in\n" +
        "         instruction file (default OUT's stem + .insts.txt, 75 words), for the SDK's emulator";

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? UsageError : Ok;
        }
        if (args[0] == "emulation-xclbin")
            return EmulationXclbinCommand.Run(args.Skip(1).ToArray(), stdout, stderr);
        if (args[0] != "inspect")
            return Fail(stderr, $"npu: unknown command '{args[0]}'");

        string? file = null;
        bool json = false;
        foreach (var a in args.Skip(1))
        {
            if (a == "--json") json = true;
            else if (a.StartsWith('-') && a.Length > 1) return Fail(stderr, $"npu inspect: unknown option '{a}'");
            else if (file is null) file = a;
            else return Fail(stderr, $"npu inspect: more than one FILE ('{file}', '{a}')");
        }
        if (file is null) return Fail(stderr, "npu inspect: FILE is missing");

        return InspectCommand.Run(file, json, stdout, stderr);
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        stderr.WriteLine(Usage);
        return UsageError;
    }
}
