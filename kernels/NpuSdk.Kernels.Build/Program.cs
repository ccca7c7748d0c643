using NpuSdk.Emulation.Kernels;

// Writes, for every built-in kernel manifest, the emulation xclbin, its instruction stream and a copy of the
// manifest side by side into one folder. The xclbins come from BuiltInKernels, so their uuids are the ones the
// emulator's registry knows.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: NpuSdk.Kernels.Build <output folder>");
    return 2;
}

string output = Path.GetFullPath(args[0]);
Directory.CreateDirectory(output);
foreach (var name in BuiltInKernels.Names)
{
    var kernel = BuiltInKernels.Get(name);
    WriteIfChanged(Path.Combine(output, name + ".xclbin"), kernel.GetXclbinBytes());
    WriteIfChanged(Path.Combine(output, name + ".insts.txt"), System.Text.Encoding.ASCII.GetBytes(BuiltInKernels.InstructionText(kernel.Instructions)));
    WriteIfChanged(Path.Combine(output, name + ".kernel.json"), System.Text.Encoding.UTF8.GetBytes(BuiltInKernels.ManifestJson(name)));
    Console.WriteLine($"{name}: xclbin {kernel.Uuid}, kernel {kernel.KernelName}");
}
return 0;

// Unchanged files keep their timestamps, so consumers that copy them stay incremental.
static void WriteIfChanged(string path, byte[] bytes)
{
    if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return;
    File.WriteAllBytes(path, bytes);
}
