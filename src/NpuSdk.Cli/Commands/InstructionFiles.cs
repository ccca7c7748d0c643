namespace NpuSdk.Cli;

/// <summary>The instruction stream of a design whose [NpuKernel] names none: a file beside the xclbin with its stem.</summary>
internal static class InstructionFiles
{
    /// <summary>Where to look, in order: <c>STEM.insts.bin</c>, then <c>STEM.insts.txt</c>, for <c>STEM.xclbin</c>.</summary>
    internal static string[] Beside(string xclbinPath) =>
        [Path.ChangeExtension(xclbinPath, ".insts.bin"), Path.ChangeExtension(xclbinPath, ".insts.txt")];
}
