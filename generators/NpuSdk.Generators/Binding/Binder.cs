using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Emit;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Generators.Binding;

/// <summary>
/// Binds one method to its xclbin, kernel, manifest and instruction stream through the kernel model (the code the
/// runtime plans calls with), one concern a file: <see cref="KernelFiles"/>, <see cref="KernelChoice"/>,
/// <see cref="ManifestSynthesis"/>, <see cref="AttributeChecks"/>, <see cref="OperandChecks"/> and <see cref="ScalarChecks"/>.
/// What binds becomes a typed descriptor (<see cref="DescriptorWriter"/>); everything that cannot work, a diagnostic
/// and no source.
/// </summary>
internal static class Binder
{
    public static Result<KernelSourceModel?> Run(Result<MethodModel> gathered, ImmutableArray<ProjectFile> files, CancellationToken token)
    {
        var method = gathered.Value;
        var errors = gathered.Errors.AsImmutableArray().ToBuilder();
        var model = method.CanEmit ? TryBind(new BindContext(method, errors), files, token) : null;
        return new Result<KernelSourceModel?>(model, errors.ToImmutable().ToEquatableArray());
    }

    private static KernelSourceModel? TryBind(BindContext c, ImmutableArray<ProjectFile> files, CancellationToken token)
    {
        if (KernelFiles.Xclbin(c, files) is not { } xclbin) return null;

        KernelManifest? manifest = null;
        // The instruction stream is looked up once: the manifest may sit beside the one the attribute names.
        var instructions = KernelFiles.Instructions(files, c.Options.Instructions, KernelFiles.Stem(xclbin), out string missing);
        var manifestFile = KernelFiles.Manifest(files, xclbin, c.Options.Instructions is null ? null : instructions);
        if (manifestFile?.Manifest is { } source)
        {
            if (manifestFile.ManifestError is { } e)
            {
                c.ReportAt(NpuDiagnostics.ManifestInvalid, KernelFiles.ManifestLocation(manifestFile, e), manifestFile.DisplayPath, c.Name, e.Reason);
                return null;
            }
            // Parsed once, when the file was read (no error means it parsed).
            manifest = source.Manifest;
        }
        if (KernelChoice.Choose(c, xclbin, manifest) is not { } kernel) return null;
        token.ThrowIfCancellationRequested();

        if (manifest is null)
        {
            manifest = ManifestSynthesis.Synthesize(c, kernel, xclbin);
            if (manifest is null) return null;
        }
        else if (!AttributeChecks.Agree(c, manifest, manifestFile!.DisplayPath))
        {
            return null;
        }

        // The design: the manifest bound to the kernel's arguments, and the manifest the runtime will build from it
        // (buffers and scalars in argument order); every check below is of what the runtime will run.
        KernelDesign design;
        try
        {
            design = KernelDesign.From(manifest, KernelAbi.Bind(kernel.Arguments.AsImmutableArray(), manifest));
            manifest = design.ToManifest(manifest.SourcePath);
        }
        catch (KernelManifestException e)
        {
            c.Report(NpuDiagnostics.BufferMismatch, c.Name, kernel.Name, e.Reason);
            return null;
        }

        string instructionsPath = "";
        if (design.Arguments.Any(a => a.Use == ArgumentUse.Instructions))
        {
            if (instructions is null)
            {
                c.Report(NpuDiagnostics.InstructionsNotFound, c.Name, missing);
                return null;
            }
            instructionsPath = instructions.OutputPath;
        }

        var strategy = PatternStrategy.For(manifest.Pattern);
        var operands = strategy.Operands(manifest);
        if (!OperandChecks.Agree(c, manifest, operands, kernel.Name) || !ScalarChecks.Agree(c, manifest)) return null;

        // Tensors stand for operands that have a kernel buffer to themselves, in the kernel's own element type.
        var buffers = c.Buffers;
        bool tensors = operands.Select((o, i) => manifest.BufferOf(o.Name)!.Parts.Count == 1 && buffers[i].Element == o.KernelType).All(x => x);
        var names = buffers.Select(b => b.PlainName).ToArray();
        var types = buffers.Select(b => b.Element!.Value).ToArray();
        string descriptor = DescriptorWriter.Write(c.Method, xclbin.OutputPath, xclbin.Uuid ?? "", instructionsPath, design, operands.Select(o => o.Name).ToArray(), c.Options.TimeoutMilliseconds);
        string summary = $"{c.Name}: {KernelManifestParser.PatternName(manifest.Pattern)} on kernel {kernel.Name} of {xclbin.OutputPath} (design {design.Name})" + StandIn(xclbin);
        return new KernelSourceModel(c.Method.SortKey, c.Method.HintName, c.Method.Namespace, c.Method.Types, c.Method.Name, c.Name, c.Method.Modifiers,
            c.Method.Parameters, c.Method.DescriptorField, xclbin.OutputPath, descriptor, summary, "A call: " + strategy.Explain(manifest, names, types) + ".",
            c.Method.AsyncName, tensors, tensors && c.Method.PrefersSpanForm);
    }

    /// <summary>What the generated comment says of an emulation stand-in: it runs on the emulator only, and what to build for an NPU.</summary>
    private static string StandIn(ProjectFile xclbin) => xclbin.EmulationStandIn switch
    {
        null => "",
        "" => "; an emulation stand-in: the emulator runs it, an NPU refuses it",
        var note => $"; an emulation stand-in: the emulator runs it, an NPU refuses it ({note})",
    };
}
