using System.CommandLine;
using System.Globalization;
using NpuSdk.Cli.Plans;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu plan KERNEL --shape DIMS [--shape DIMS ...] [--device npu1|npu4]</c>: what a generated call of a kernel does at
/// each shape (invocations, submissions, waits, syncs, bytes, the first call's allocations and context) and its time on
/// the device profile's NPU as its latency model projects it (<see cref="LatencyModel.Phoenix"/> for npu1,
/// <see cref="LatencyModel.Strix"/> for npu4), what reopening its context costs a program that cycles through more
/// designs than the profile's budget, and the library design that would cut the call's runs when there is one. KERNEL
/// is a kernel of the library (<c>matmul_16x16_int8</c>), a design's xclbin with its <c>&lt;stem&gt;.kernel.json</c>
/// beside it, or a manifest file.
/// </summary>
internal sealed class PlanCommand : INpuCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Usage => "npu plan KERNEL --shape DIMS [--shape DIMS ...] [--device npu1|npu4]";

    public Command Create()
    {
        var kernel = new Argument<string>("KERNEL")
        {
            Description = "A kernel of the library (e.g. matmul_16x16_int8), an .xclbin with its <stem>.kernel.json beside it, or a manifest (.json).",
        };
        var shape = new Option<string[]>("--shape")
        {
            Description = "The call's shape: MxKxN for a matmul, MxK for a GEMV, N for elementwise, ROWSxCOLS for rowwise, QUERIESxKEYSxDIM for attention. Repeat for several.",
            HelpName = "DIMS",
            Arity = ArgumentArity.OneOrMore,
            Required = true,
        };
        shape.Validators.Add(r =>
        {
            foreach (string s in r.GetValueOrDefault<string[]>() ?? [])
                if (ParseShape(s) is null) r.AddError($"--shape '{s}' is not whole numbers from 1 to {int.MaxValue} joined by 'x' (e.g. 512x512x512)");
        });
        var device = new Option<NpuDeviceProfile>("--device")
        {
            Description = "The NPU generation to project on: npu1 (Phoenix, Hawk Point; the default) or npu4 (Strix, Strix Halo, Krackan).",
            HelpName = "npu1|npu4",
            DefaultValueFactory = _ => NpuDeviceProfile.Npu1,
            CustomParser = r =>
            {
                string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                try
                {
                    return NpuDeviceProfile.Parse(text);
                }
                catch (ArgumentException)
                {
                    r.AddError($"--device '{text}' is not npu1 or npu4");
                    return NpuDeviceProfile.Npu1;
                }
            },
        };
        var command = new Command("plan", "Count what a generated call of a kernel does at given shapes and project its time on an npu1 (Phoenix) or npu4 (Strix) NPU.") { kernel, shape, device };
        command.SetAction(r => Run(r.GetRequiredValue(kernel), r.GetRequiredValue(shape), r.GetValue(device)!, Cli.Out(r), Cli.Error(r)));
        return command;
    }

    private static int[]? ParseShape(string text)
    {
        var parts = text.Split('x');
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, Invariant, out dims[i]) || dims[i] < 1) return null;
        return dims;
    }

    private static int Run(string kernel, string[] shapes, NpuDeviceProfile profile, TextWriter stdout, TextWriter stderr)
    {
        var model = profile.Latency;
        if (!TryLoad(kernel, out var manifest, out string origin, out uint instructionWords, out string error))
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu plan: {error}");

        var plans = new List<CallPlan>();
        foreach (string text in shapes)
        {
            try
            {
                plans.Add(CallPlan.Make(manifest, ParseShape(text)!, model, instructionWords));
            }
            catch (ArgumentException e)
            {
                return Cli.Fail(stderr, NpuCommandLine.UsageError, $"npu plan: {text} does not fit {manifest.Name}: {e.Message.TrimEnd('.')}");
            }
        }

        stdout.WriteLine($"{manifest.Name} ({origin}): {KernelManifestParser.PatternName(manifest.Pattern)}, tile {string.Join(" ", manifest.Tile.Select(t => $"{t.Key}={t.Value}"))}, " +
            $"{Types(manifest)}, {manifest.Cores} core{(manifest.Cores == 1 ? "" : "s")}");
        string modelName = profile == NpuDeviceProfile.Npu4 ? "LatencyModel.Strix" : "LatencyModel.Phoenix";
        stdout.WriteLine($"Projections are {modelName} ({profile.Name}: {profile.Family}; published figures, docs/performance.md) for the generated call, counted by running its launch pipeline on a counting emulator.");
        foreach (var plan in plans) Write(stdout, plan, model, profile);
        return NpuCommandLine.Ok;
    }

    private static void Write(TextWriter o, CallPlan p, LatencyModel model, NpuDeviceProfile profile)
    {
        o.WriteLine();
        o.WriteLine($"{string.Join("x", p.Dims)}: {Count(p.Invocations, "invocation")}");
        o.WriteLine($"  per call     {Count(p.Submissions, "submission")} ({Count(p.ChainCommands, "chain command")} of up to {model.RunsPerChainCommand} runs), {Count(p.Waits, "wait")}, " +
            $"{Count(p.SyncsToDevice + p.SyncsFromDevice, "sync")} ({p.SyncsToDevice} to the device, {p.SyncsFromDevice} from), " +
            $"{Bytes(p.BytesToDevice + p.BytesFromDevice)} ({Bytes(p.BytesToDevice)} to, {Bytes(p.BytesFromDevice)} from)");
        o.WriteLine($"  first call   also opens the context, writes the instructions and allocates {Count(p.Buffers.Count, "buffer")} ({Bytes(p.AllocatedBytes)}) " +
            $"and {Count(p.SubBuffers, "sub-buffer")}; the plan is kept for later calls with these block counts");
        o.WriteLine($"  {profile.Name,-12} {Ms(p.CallSeconds)} per call (device: {Ms(p.RunSeconds)} runs, {Ms(p.CommandSeconds)} commands, {Ms(p.ComputeSeconds)} compute); first call {Ms(p.FirstCallSeconds)}");
        o.WriteLine($"  context      1 of the {profile.ContextBudget} {profile.Name} allows at once, opened by the first call ({Ms(model.PerContextOpen.TotalSeconds)}); " +
            $"in a program cycling through more than {profile.ContextBudget} designs it is evicted and reopened at every call: {Ms(p.ReopenedCallSeconds)} per call (docs/contexts.md)");
        o.WriteLine($"  advice       {Advice(p, model)}");
    }

    /// <summary>When the runs' fixed cost dominates, the library design of the same operation and input type with the fewest runs for these shapes.</summary>
    private static string Advice(CallPlan plan, LatencyModel model)
    {
        var m = plan.Manifest;
        var better = LibraryManifests.ByName.Values
            .Where(c => c.Name != m.Name && c.Operation == m.Operation && KernelWork.ComputeType(c) == KernelWork.ComputeType(m))
            .Select(c => TryPlan(c, plan.Dims, model))
            .Where(c => c is not null && c.Invocations < plan.Invocations)
            .OrderBy(c => c!.CallSeconds).FirstOrDefault();
        string bound = $"each run costs the device {model.PerRun.TotalMicroseconds:F1} µs, so {Count(plan.Invocations, "run")} take at least {Ms(plan.RunSeconds)} whatever the host does";
        if (better is null)
            return plan.Invocations == 1 ? "one run: nothing to cut" : $"{bound}; no library design of this operation and input type does it in fewer runs";
        var c = better.Manifest;
        return $"{bound}; {c.Name} ({KernelManifestParser.PatternName(c.Pattern)}, {c.Cores} core{(c.Cores == 1 ? "" : "s")}, {Types(c)}) " +
            $"does {string.Join("x", plan.Dims)} in {Count(better.Invocations, "run")}, projected {Ms(better.CallSeconds)} per call ({(plan.CallSeconds / better.CallSeconds).ToString("N0", Invariant)}x less; its numeric rule is in its manifest)";
    }

    private static CallPlan? TryPlan(KernelManifest manifest, IReadOnlyList<int> dims, LatencyModel model)
    {
        try
        {
            return CallPlan.Make(manifest, dims, model, EmulationXclbin.StandInWords);
        }
        catch (ArgumentException)
        {
            return null;   // the shapes do not fit that design
        }
    }

    private static bool TryLoad(string kernel, out KernelManifest manifest, out string origin, out uint instructionWords, out string error)
    {
        manifest = null!;
        origin = error = "";
        instructionWords = EmulationXclbin.StandInWords;
        if (LibraryManifests.ByName.TryGetValue(kernel, out var library))
        {
            (manifest, origin) = (library, "kernel library");
            return true;
        }
        bool isXclbin = kernel.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase);
        if (!isXclbin && !kernel.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{kernel}' is not a kernel of the library (it has {string.Join(", ", LibraryManifests.ByName.Keys)}), an .xclbin or a manifest .json";
            return false;
        }
        string manifestPath = isXclbin ? Path.ChangeExtension(kernel, ".kernel.json") : kernel;
        try
        {
            if (isXclbin)
            {
                var xclbin = XclbinFile.ReadFile(kernel);
                if (!File.Exists(manifestPath))
                {
                    error = $"{kernel}: no manifest beside it ({Path.GetFileName(manifestPath)}); draft one with npu manifest {Path.GetFileName(kernel)}";
                    return false;
                }
                manifest = KernelManifestParser.Parse(File.ReadAllText(manifestPath), manifestPath);
                if (xclbin.FindKernel(manifest.KernelName) is not { } signature)
                {
                    error = $"{kernel} has no kernel '{manifest.KernelName}', which its manifest names (it has {string.Join(", ", xclbin.Kernels.Select(k => k.Name))})";
                    return false;
                }
                // The arguments the manifest names must be the kernel's, as the generator and the runtime check.
                KernelAbi.Bind(signature, manifest);
                foreach (string candidate in InstructionFiles.Beside(kernel))
                {
                    if (!File.Exists(candidate)) continue;
                    instructionWords = (uint)InstructionStream.LoadFile(candidate).WordCount;
                    break;
                }
            }
            else
            {
                manifest = KernelManifestParser.Parse(File.ReadAllText(manifestPath), manifestPath);
            }
            origin = kernel;
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"{(e is FileNotFoundException f && f.FileName is { } name ? name : kernel)}: no such file";
        }
        catch (Exception e) when (e is KernelManifestException or XclbinFormatException or IOException or UnauthorizedAccessException)
        {
            error = e.Message;
        }
        return false;
    }

    private static string Types(KernelManifest m)
    {
        string Of(BufferRole role) => string.Join("+", m.Buffers.Where(b => b.Role == role && b.ElementType is not null)
            .Select(b => ElementTypes.ManifestName(b.ElementType!.Value)).Distinct());
        return $"{Of(BufferRole.Input)} in, {Of(BufferRole.Output)} out";
    }

    private static string Count(long n, string what) => $"{n.ToString("N0", Invariant)} {what}{(n == 1 ? "" : "s")}";

    private static string Ms(double seconds) => (seconds * 1e3) switch
    {
        >= 100 => (seconds * 1e3).ToString("N0", Invariant) + " ms",
        >= 1 => (seconds * 1e3).ToString("N1", Invariant) + " ms",
        _ => (seconds * 1e3).ToString("N3", Invariant) + " ms",
    };

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / 1048576.0).ToString("N1", Invariant) + " MiB",
        >= 1 << 10 => (bytes / 1024.0).ToString("N1", Invariant) + " KiB",
        _ => bytes.ToString(Invariant) + " B",
    };
}
