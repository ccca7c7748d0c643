extern alias generator;

using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TrackingNames = generator::NpuSdk.Generators.NpuKernelGenerator.TrackingNames;

namespace NpuSdk.Generators.Tests;

/// <summary>The pipeline caches what did not change and holds no compilation once a run is over.</summary>
public sealed class IncrementalityTests
{
    private const string Kernel = """
        using NpuSdk;

        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
        }
        """;

    [Fact]
    public void UnrelatedEditLeavesTheOutputCached()
    {
        var h = new GeneratorHarness(nameof(UnrelatedEditLeavesTheOutputCached)).AddMlirAieKernel("k.xclbin", 2);
        var compilation = GeneratorHarness.Compile(Kernel, "public static class Other { public static int Answer => 41; }");
        var driver = h.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().GeneratedTrees);

        var other = compilation.SyntaxTrees.Single(t => t.FilePath == "Test1.cs");
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText(
            "public static class Other { public static int Answer => 42; }", GeneratorHarness.ParseOptions, path: "Test1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Methods, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, TrackingNames.Execute, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, TrackingNames.Output, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, TrackingNames.Diagnostics, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingTheMethodRegeneratesIt()
    {
        var h = new GeneratorHarness(nameof(EditingTheMethodRegeneratesIt)).AddMlirAieKernel("k.xclbin", 2);
        var compilation = GeneratorHarness.Compile(Kernel);
        var driver = h.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            Kernel.Replace("Span2D<sbyte> c", "Span2D<int> c"), GeneratorHarness.ParseOptions, path: tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Output, IncrementalStepRunReason.Modified);
        Assert.Contains("NpuParameter.Buffer(\"c\", \"c\", global::NpuSdk.KernelModel.ElementType.Int32)", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void EditingAnotherMemberOfTheSameFileLeavesTheOutputCached()
    {
        const string WithHelper = Kernel + "\npublic static class Helper { public static int Answer => 41; }\n";
        var h = new GeneratorHarness(nameof(EditingAnotherMemberOfTheSameFileLeavesTheOutputCached)).AddMlirAieKernel("k.xclbin", 2);
        var compilation = GeneratorHarness.Compile(WithHelper);
        var driver = h.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var before = driver.GetRunResult().GeneratedTrees.Single().ToString();

        var tree = compilation.SyntaxTrees.Single();
        // The kernel's own file changes (a member beside it, and the method moves down a line): nothing it emits does.
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            "// a comment that moves everything down\n" + WithHelper.Replace("41", "42"), GeneratorHarness.ParseOptions, path: tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Execute, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, TrackingNames.Output, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Equal(before, result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void EditingTheManifestRegeneratesAndEditingAnUnrelatedAdditionalFileDoesNot()
    {
        var h = new GeneratorHarness(nameof(EditingTheManifestRegeneratesAndEditingAnUnrelatedAdditionalFileDoesNot))
            .AddMlirAieKernel("k.xclbin", 2)
            .AddText("k.kernel.json", TestManifests.TileMatMulInt8(tile: 16))
            .AddText("notes.txt", "first");
        const string ManifestBound = """
            using NpuSdk;

            public static partial class Ops
            {
                [NpuKernel("k.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """;
        var compilation = GeneratorHarness.Compile(ManifestBound);
        GeneratorDriver driver = h.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.Contains("new(\"m\", 16)", driver.GetRunResult().GeneratedTrees.Single().ToString());

        // An AdditionalFile the generator does not read: nothing runs again.
        var (oldNotes, newNotes) = h.Rewrite("notes.txt", "second");
        driver = driver.ReplaceAdditionalText(oldNotes, newNotes).RunGenerators(compilation);
        var unrelated = driver.GetRunResult().Results.Single();
        AssertAllOutputs(unrelated, TrackingNames.Output, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);

        // The manifest the method is bound to: its output is regenerated with the new tile.
        var (oldManifest, newManifest) = h.Rewrite("k.kernel.json", TestManifests.TileMatMulInt8(tile: 32));
        driver = driver.ReplaceAdditionalText(oldManifest, newManifest).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        AssertAllOutputs(result, TrackingNames.Output, IncrementalStepRunReason.Modified);
        Assert.Contains("new(\"m\", 32)", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void GeneratorKeepsNoOldCompilationAlive()
    {
        var h = new GeneratorHarness(nameof(GeneratorKeepsNoOldCompilationAlive)).AddMlirAieKernel("k.xclbin", 2);
        var (driver, second) = RunTwiceKeepingTheFirstDriver(h);
        for (int i = 0; i < 3 && second.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        // The first driver and the generator instance live on; neither may hold the compilation of a later run.
        Assert.False(second.IsAlive, "the generator kept a reference to a Compilation it was run on");
        GC.KeepAlive(driver);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GeneratorDriver Driver, WeakReference Second) RunTwiceKeepingTheFirstDriver(GeneratorHarness h)
    {
        var first = GeneratorHarness.Compile(Kernel);
        var driver = h.CreateDriver().RunGenerators(first);
        Assert.Single(driver.GetRunResult().GeneratedTrees);
        var second = first.AddSyntaxTrees(CSharpSyntaxTree.ParseText("struct Later { }", GeneratorHarness.ParseOptions, path: "Later.cs"));
        Assert.Single(driver.RunGenerators(second).GetRunResult().GeneratedTrees);
        return (driver, new WeakReference(second));
    }

    private static void AssertAllOutputs(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step '{step}' was not tracked");
        var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, allowed));
    }
}
