using System.IO.Compression;
using System.Xml.Linq;
using NpuSdk.Testing;

namespace NpuSdk.Package.Tests;

/// <summary>
/// The package as a user gets it: one NpuSdk package with everything inside; samples/PackageConsumer, which has no
/// project references and no NpuSdk-specific MSBuild lines, restores it by version from a folder feed, builds (the
/// generator binds a library kernel; the per-tile loop shows NPU2001 and NPU2002) and runs on the emulator, checking the
/// result. With XRT installed the shim is built from the package's sources and the same program runs on XRT's no-op
/// device. Without XRT headers the build warns NPU0001 once and the xrt backend's error gives that cause.
/// </summary>
public sealed class PackageConsumerTests(PackedConsumer consumer) : IClassFixture<PackedConsumer>
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>MSBuild prints each warning where it happens and again in the summary: the distinct lines of one code.</summary>
    private static string[] Warnings(ProcessResult build, string code) =>
        Lines(build.Output).Where(l => l.Contains($"warning {code}:", StringComparison.Ordinal)).Distinct().ToArray();

    /// <summary>The assemblies the package carries in lib/.</summary>
    private static readonly string[] LibraryAssemblies = ["NpuSdk", "NpuSdk.Xclbin", "NpuSdk.KernelModel", "NpuSdk.Kernels"];

    private static HashSet<string> FilesIn(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToHashSet();
    }

    [Fact]
    public void ThePackageIsOnePackageWithTheRuntimeTheKernelLibraryTheAnalyzersTheBuildFilesAndTheShimsSources()
    {
        Assert.Equal([$"NpuSdk.{consumer.Version}.nupkg", $"NpuSdk.{consumer.Version}.snupkg"], Directory.GetFiles(consumer.Feed).Select(Path.GetFileName).Order());
        var files = FilesIn(consumer.Nupkg);

        foreach (string assembly in LibraryAssemblies)
        {
            Assert.Contains($"lib/net10.0/{assembly}.dll", files);
            Assert.Contains($"lib/net10.0/{assembly}.xml", files);
        }
        foreach (string assembly in new[] { "NpuSdk.Generators", "NpuSdk.Analyzers", "NpuSdk.CodeFixes" })
            Assert.Contains($"analyzers/dotnet/cs/{assembly}.dll", files);
        foreach (string folder in new[] { "build", "buildTransitive" })
            foreach (string file in new[] { "NpuSdk.props", "NpuSdk.targets", "NpuSdk.Native.targets" })
                Assert.Contains($"{folder}/{file}", files);
        foreach (string manifest in Directory.GetFiles(Path.Combine(Repository.Root, "kernels"), "manifest.json", SearchOption.AllDirectories))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
            string design = json.RootElement.GetProperty("name").GetString()!;
            // Each design's instruction stream and manifest; its xclbin, or the one it shares with designs of other shapes.
            foreach (string extension in new[] { ".insts.txt", ".kernel.json" })
                Assert.Contains($"kernels/{design}{extension}", files);
            string xclbin = json.RootElement.TryGetProperty("xclbin", out var shared) ? shared.GetString()! : design;
            Assert.Contains($"kernels/{xclbin}.xclbin", files);
        }
        Assert.Contains("native/CMakeLists.txt", files);
        Assert.Contains("native/include/npusdk_xrt.h", files);
        Assert.Contains("native/src/device.cpp", files);
        Assert.Contains("README.md", files);
        // The shim reaches users as sources only: a binary built here (Debian's XRT 2.13, no xrt::hw_context) must not.
        Assert.DoesNotContain(files, f => f.EndsWith(".so", StringComparison.Ordinal) || f.Contains("npusdk_xrt.dll", StringComparison.Ordinal) || f.EndsWith(".pdb", StringComparison.Ordinal));

        var metadata = NuspecMetadata();
        XNamespace ns = metadata.Name.Namespace;
        string Field(string name) => metadata.Element(ns + name)?.Value ?? "";
        Assert.Equal("NpuSdk", Field("id"));
        Assert.Equal(consumer.Version, Field("version"));
        Assert.NotEqual("Package Description", Field("description"));
        Assert.Contains("NPU", Field("description"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.NotEmpty(Field("authors"));
        Assert.Contains("xrt", Field("tags").Split(' '));
        // No URL that does not resolve: the project has no public home, so no project or repository URL (the SDK records
        // the commit, when the build had one, without a URL); the license's is NuGet's own page for the expression.
        var urls = metadata.DescendantsAndSelf().SelectMany(e => e.Attributes().Select(a => a.Value).Append(e.HasElements ? "" : e.Value))
            .Where(v => v.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["https://licenses.nuget.org/MIT"], urls);
        // Everything of the SDK is inside; the only dependency is a package nuget.org serves.
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        Assert.Equal(["System.Numerics.Tensors"], dependencies);
    }

    [Fact]
    public void TheSymbolPackageHoldsThePdbOfEveryLibraryAssembly()
    {
        var files = FilesIn(Path.ChangeExtension(consumer.Nupkg, ".snupkg"));
        foreach (string assembly in LibraryAssemblies) Assert.Contains($"lib/net10.0/{assembly}.pdb", files);
    }

    [Fact]
    public void TheNpuToolsVersionIsThePackagesWithTheCommitItWasBuiltFromInAGitCheckout()
    {
        string npu = Path.Combine(Repository.Root, "src", "NpuSdk.Cli", "bin", Repository.Configuration, "net10.0", "npu.dll");
        var run = DotnetProcess.Run(Repository.Root, TimeSpan.FromMinutes(1), null, npu, "--version");
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] version = run.Stdout.Trim().Split('+');
        var metadata = NuspecMetadata();
        string packed = metadata.Element(metadata.Name.Namespace + "version")!.Value;
        Assert.Equal(packed, version[0]);
        Assert.Equal(consumer.Version, packed);
        // The SDK's Source Link adds the commit where git can name it; without git there is none.
        if (Repository.IsGitCheckout) Assert.Matches("^[0-9a-f]{40}$", Assert.Single(version[1..]));
        else Assert.Single(version);
    }

    /// <summary>The packed nuspec's metadata element.</summary>
    private XElement NuspecMetadata()
    {
        using var zip = ZipFile.OpenRead(consumer.Nupkg);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == "NpuSdk.nuspec").Open());
        return nuspec.Root!.Element(nuspec.Root.Name.Namespace + "metadata")!;
    }

    [Fact]
    public void TheConsumerBuildsFromThePackageByVersionAndThePerTileLoopShowsNpu2001AndNpu2002()
    {
        Assert.True(consumer.Build.ExitCode == 0, consumer.Build.ToString());
        Assert.Contains(Path.Combine(consumer.Packages, "npusdk", consumer.Version), Directory.GetDirectories(Path.Combine(consumer.Packages, "npusdk")));
        var npu2001 = Warnings(consumer.Build, "NPU2001");
        var npu2002 = Warnings(consumer.Build, "NPU2002");
        Assert.True(npu2001.Length == 1, consumer.Build.ToString());
        Assert.Contains("PerTileMatMul.cs", npu2001[0]);
        Assert.Contains("run.Wait(TimeSpan.FromSeconds(5))", npu2001[0]);
        Assert.Equal(2, npu2002.Length);   // the sync to the device and the sync back, each once per tile
        Assert.All(npu2002, w => Assert.Contains("PerTileMatMul.cs", w));
        Assert.DoesNotContain(" error ", consumer.Build.Output);
        // The generator saw the library's files as AdditionalFiles, and the build copied them beside the program.
        foreach (string file in new[] { "matmul_16x16_int8.xclbin", "matmul_16x16_int8.insts.txt", "matmul_16x16_int8.kernel.json", "NpuSdk.Kernels.dll" })
            Assert.True(File.Exists(Path.Combine(consumer.OutputFolder, file)), $"{file} is not in {consumer.OutputFolder}.");
    }

    [Fact]
    public void TheConsumerRunsOnTheEmulatorAndItsResultIsThePlainCSharpProduct()
    {
        var run = PackedConsumer.RunProgram(consumer.OutputFolder, null);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = Lines(run.Stdout);
        Assert.Contains("backend: emulator", lines);
        Assert.Contains(lines, l => l.StartsWith("why: no NPU device node was found", StringComparison.Ordinal));
        Assert.Contains("generated call: 24 runs in 1 submission(s)", lines);
        Assert.Contains("per-tile loop: 24 runs in 24 submission(s)", lines);
        Assert.Contains("results: generated call matches the C# product; per-tile loop matches it", lines);
    }

    [XrtFact]
    public void WithXrtTheShimIsBuiltFromThePackagesSourcesIntoObjAndCopiedBesideNpuSdk()
    {
        string obj = Path.Combine(consumer.Sample, "obj", "npusdk_xrt", "net10.0");
        string built = Path.Combine(obj, "libnpusdk_xrt.so"), copied = Path.Combine(consumer.OutputFolder, "libnpusdk_xrt.so");
        Assert.True(File.Exists(built), $"no {built}:\n{consumer.Build}");
        Assert.Equal(File.ReadAllBytes(built), File.ReadAllBytes(copied));
        // CMake was pointed at the sources restored from the package, not at this repository's native/.
        string configure = File.ReadAllText(Path.Combine(obj, "npusdk_xrt.configure.txt"));
        Assert.Contains($"source: {Path.Combine(consumer.Packages, "npusdk", consumer.Version, "native")}/", configure);
        Assert.Contains("-DNPUSDK_SHIM_ONLY=ON", configure);
        var record = Lines(File.ReadAllText(Path.Combine(consumer.OutputFolder, "npusdk_xrt.build.txt")));
        Assert.Contains("built: yes", record);
        Assert.Contains(record, l => l.StartsWith("rebuild: the NpuSdk package builds it into obj/npusdk_xrt/", StringComparison.Ordinal));
        Assert.Empty(Warnings(consumer.Build, "NPU0001"));

        // Incremental: a second build neither configures nor compiles the shim again.
        var written = File.GetLastWriteTimeUtc(built);
        var again = consumer.BuildSample(consumer.Sample, "-v:n");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Skipping target \"_NpuSdkConfigureShim\" because all output files are up-to-date", again.Output);
        Assert.Contains("Skipping target \"_NpuSdkCompileShim\" because all output files are up-to-date", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(built));
    }

    [XrtFact]
    public void WithXrtTheSameProgramRunsOnXrtsNoopDeviceThroughTheShimThePackageBuilt()
    {
        var run = PackedConsumer.RunProgram(consumer.OutputFolder, new Dictionary<string, string>
        {
            ["NPUSDK_BACKEND"] = "xrt",
            ["XCL_EMULATION_MODE"] = "noop",
            ["XILINX_XRT"] = NoopXrtRoot.Create(XrtHere.Libraries!),
        });
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = Lines(run.Stdout);
        Assert.Contains("backend: xrt", lines);
        string why = Assert.Single(lines, l => l.StartsWith("why: ", StringComparison.Ordinal));
        Assert.Contains("NPUSDK_BACKEND=xrt asks for XRT, and XCL_EMULATION_MODE=noop gives it XRT's emulated device", why);
        Assert.Matches(@"the shim built against XRT \d+\.\d+", why);
        Assert.Contains("generated call: 24 runs in 1 submission(s)", lines);
        Assert.Contains("per-tile loop: 24 runs in 24 submission(s)", lines);
        Assert.Contains("results: not compared (XRT's no-op device computes nothing)", lines);
    }

    [Fact]
    public void WithoutXrtHeadersTheBuildWarnsNpu0001OnceAndTheXrtBackendGivesThatCause()
    {
        // A second copy, laid out like the first, whose build is pointed at an XRT folder that has no headers.
        string root = Path.Combine(consumer.Root, "no-xrt");
        string sample = PackedConsumer.CopySample(root);
        Directory.CreateDirectory(Path.Combine(root, "artifacts", "packages"));
        File.Copy(consumer.Nupkg, Path.Combine(root, "artifacts", "packages", Path.GetFileName(consumer.Nupkg)));
        string noXrt = Directory.CreateDirectory(Path.Combine(root, "empty-xrt")).FullName;

        var build = consumer.BuildSample(sample, "-v:m", $"-p:NpuSdkXrtRoot={noXrt}");
        Assert.True(build.ExitCode == 0, build.ToString());
        string warning = Assert.Single(Warnings(build, "NPU0001"));
        Assert.Contains($"XRT's headers under NpuSdkXrtRoot={noXrt} (include/xrt/xrt_device.h) not found", warning);
        Assert.Contains("apt-get install cmake g++ libxrt-dev", warning);
        Assert.Contains("NpuSdkBuildShim=false", warning);
        string output = PackedConsumer.OutputOf(sample);
        Assert.False(File.Exists(Path.Combine(output, "libnpusdk_xrt.so")));
        Assert.Contains("built: no", Lines(File.ReadAllText(Path.Combine(output, "npusdk_xrt.build.txt"))));

        // The emulator still runs it; the xrt backend, asked for, fails with the cause the build recorded.
        Assert.Equal(0, PackedConsumer.RunProgram(output, null).ExitCode);
        var forced = PackedConsumer.RunProgram(output, new Dictionary<string, string> { ["NPUSDK_BACKEND"] = "xrt" });
        Assert.True(forced.ExitCode == 2, forced.ToString());
        Assert.DoesNotContain("rebuild the SDK", forced.Stderr, StringComparison.OrdinalIgnoreCase);
        if (XrtHere.Libraries is null)
            Assert.Contains("XRT's runtime library libxrt_coreutil.so.2 was not found", forced.Stderr);
        else
        {
            Assert.Contains($"libnpusdk_xrt.so is not beside NpuSdk.dll in {output}", forced.Stderr);
            Assert.Contains($"the build did not make it, because XRT's headers under NpuSdkXrtRoot={noXrt} (include/xrt/xrt_device.h) not found", forced.Stderr);
            Assert.Contains("apt-get install cmake g++ libxrt-dev", forced.Stderr);
        }
    }
}
