using System;
using System.Collections.Immutable;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>Reads the AdditionalFiles a kernel method can refer to: xclbins, instruction streams and manifests.</summary>
    private static class Files
    {
        /// <summary>The item metadata (set by NpuSdk.props) saying where the build copies a kernel file, relative to the output folder.</summary>
        public const string OutputPathMetadata = "build_metadata.AdditionalFiles.NpuSdkOutputPath";

        public static bool IsKernelFile(AdditionalText text)
        {
            string p = text.Path;
            return p.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".kernel.json", StringComparison.OrdinalIgnoreCase)
                || p.EndsWith("insts.txt", StringComparison.OrdinalIgnoreCase) || p.EndsWith("insts.bin", StringComparison.OrdinalIgnoreCase);
        }

        public static ProjectFile Read(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken token)
        {
            string path = text.Path.Replace('\\', '/');
            string display = options.GlobalOptions.TryGetValue("build_property.projectdir", out var dir) && dir.Length > 0
                && path.StartsWith(dir.Replace('\\', '/').TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase)
                ? path.Substring(dir.Replace('\\', '/').TrimEnd('/').Length + 1) : path;
            // Without NpuSdk.props' metadata the file is taken to be copied flat into the output folder.
            string output = options.GetOptions(text).TryGetValue(OutputPathMetadata, out var o) && !string.IsNullOrWhiteSpace(o)
                ? o.Replace('\\', '/').TrimStart('/')
                : path.Substring(path.LastIndexOf('/') + 1);
            if (path.EndsWith(".kernel.json", StringComparison.OrdinalIgnoreCase))
            {
                string? json = text.GetText(token)?.ToString();
                if (json is null) return new ProjectFile(path, display, output, null, EquatableArray<KernelSignature>.Empty, null, new ManifestError("the file cannot be read", 0, 0, -1));
                // Parsed once here, named as messages name the file; every method bound to it uses this result.
                KernelManifest? manifest = null;
                ManifestError? error = null;
                try
                {
                    manifest = KernelManifestParser.Parse(json, display);
                }
                catch (KernelManifestException e)
                {
                    error = new ManifestError(e.Reason, e.Line, e.Column, e.Offset);
                }
                return new ProjectFile(path, display, output, null, EquatableArray<KernelSignature>.Empty, new ManifestSource(json, manifest), error);
            }
            if (!path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase))
                return new ProjectFile(path, display, output, null, EquatableArray<KernelSignature>.Empty, null, null);
            try
            {
                var xclbin = XclbinFile.Read(ReadBytes(text.Path), Path.GetFileName(text.Path));
                var kernels = ImmutableArray.CreateBuilder<KernelSignature>();
                foreach (var k in xclbin.Kernels)
                    kernels.Add(new KernelSignature(k.Name, KernelAbi.Arguments(k).ToEquatableArray()));
                return new ProjectFile(path, display, output, null, kernels.ToImmutable().ToEquatableArray(), null, null, xclbin.EmulationStandIn, xclbin.Uuid.ToString());
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                // The reader's message names section and offset; any other failure (I/O, a reader bug) is reported, never thrown.
                return new ProjectFile(path, display, output, e.Message, EquatableArray<KernelSignature>.Empty, null, null);
            }
        }

        // An xclbin is binary: AdditionalText.GetText() decodes text and cannot give its bytes back, so the
        // file is read directly. Its path comes from AdditionalFiles, which the build already tracks.
        private static byte[] ReadBytes(string path) => File.ReadAllBytes(path);
    }
}
