using System.Linq;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Binding;

/// <summary>Which kernel of the xclbin the method runs: the one the attribute or the manifest names, else the only one.</summary>
internal static class KernelChoice
{
    /// <summary>The kernel; null after reporting NPU1005.</summary>
    public static KernelSignature? Choose(BindContext c, ProjectFile xclbin, KernelManifest? manifest)
    {
        string names = xclbin.Kernels.Count == 0 ? "none" : string.Join(", ", xclbin.Kernels.Select(k => k.Name));
        string file = KernelFiles.FileName(xclbin.Path);
        if ((c.Options.Kernel ?? manifest?.KernelName) is { } wanted)
        {
            var kernel = xclbin.Kernels.FirstOrDefault(k => k.Name == wanted);
            if (kernel is null) c.Report(NpuDiagnostics.KernelNotFound, c.Name, $"there is no kernel '{wanted}'", file, names);
            return kernel;
        }
        if (xclbin.Kernels.Count == 1) return xclbin.Kernels[0];
        string why = xclbin.Kernels.Count == 0 ? "the xclbin declares no kernel" : $"the xclbin has {xclbin.Kernels.Count} kernels, so name one with Kernel = \"...\"";
        c.Report(NpuDiagnostics.KernelNotFound, c.Name, why, file, names);
        return null;
    }
}
