using System.Linq;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Binding;

/// <summary>The method's scalar parameters against the design's scalars without a fixed value, bound in order (NPU1021).</summary>
internal static class ScalarChecks
{
    public static bool Agree(BindContext c, KernelManifest manifest)
    {
        var passed = manifest.Scalars.Where(s => s.Value is null).ToList();
        var scalars = c.Scalars;
        if (passed.Count != scalars.Count)
        {
            string wanted = passed.Count == 0 ? "none" : string.Join(", ", passed.Select(s => $"{KernelManifestParser.ScalarTypeName(s.Type)} {s.Arg}"));
            return c.Report(NpuDiagnostics.ScalarMismatch, c.Name,
                $"the method passes {scalars.Count} scalar parameter(s), but the manifest has {passed.Count} scalar(s) without a fixed value ({wanted}), bound from the scalar parameters in order");
        }
        for (int i = 0; i < passed.Count; i++)
        {
            if (scalars[i].Scalar == passed[i].Type) continue;
            return c.Report(NpuDiagnostics.ScalarMismatch, c.Name,
                $"scalar parameter '{scalars[i].PlainName}' is {scalars[i].TypeText.Replace("global::System.", "")}, but the kernel's scalar \"{passed[i].Arg}\" is {KernelManifestParser.ScalarTypeName(passed[i].Type)}");
        }
        return true;
    }
}
