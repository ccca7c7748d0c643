using System;
using System.Collections.Immutable;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using NpuSdk.Generators.Model;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>Reads the AdditionalFiles a kernel method can refer to: xclbins, instruction streams and manifests.</summary>
    private static class Files
    {
        public static bool IsKernelFile(AdditionalText text)
        {
            string p = text.Path;
            return p.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".kernel.json", StringComparison.OrdinalIgnoreCase)
                || p.EndsWith("insts.txt", StringComparison.OrdinalIgnoreCase) || p.EndsWith("insts.bin", StringComparison.OrdinalIgnoreCase);
        }

        public static ProjectFile Read(AdditionalText text, CancellationToken token)
        {
            string path = text.Path.Replace('\\', '/');
            if (path.EndsWith(".kernel.json", StringComparison.OrdinalIgnoreCase))
            {
                var json = text.GetText(token)?.ToString();
                return new ProjectFile(path, null, EquatableArray<KernelSignature>.Empty, json is null ? ManifestReader.Fail("the file cannot be read") : ManifestReader.Read(json));
            }
            if (!path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase))
                return new ProjectFile(path, null, EquatableArray<KernelSignature>.Empty, null);
            try
            {
                var xclbin = XclbinFile.Read(ReadBytes(text.Path), Path.GetFileName(text.Path));
                var kernels = ImmutableArray.CreateBuilder<KernelSignature>();
                foreach (var k in xclbin.Kernels)
                {
                    var args = ImmutableArray.CreateBuilder<KernelArgument>();
                    foreach (var a in k.Arguments) args.Add(new KernelArgument(a.Name, a.IsBuffer));
                    kernels.Add(new KernelSignature(k.Name, args.ToImmutable().ToEquatableArray()));
                }
                return new ProjectFile(path, null, kernels.ToImmutable().ToEquatableArray(), null);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                // The reader's message names section and offset; any other failure (I/O, a reader bug) is reported, never thrown.
                return new ProjectFile(path, e.Message, EquatableArray<KernelSignature>.Empty, null);
            }
        }

        // An xclbin is binary: AdditionalText.GetText() decodes text and cannot give its bytes back, so the
        // file is read directly. Its path comes from AdditionalFiles, which the build already tracks.
        private static byte[] ReadBytes(string path) => File.ReadAllBytes(path);
    }
}
