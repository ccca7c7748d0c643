using System.Text;

namespace NpuSdk.Testing;

/// <summary>
/// Host code as deep as its size: the shapes no analysis may recurse over (issue 21). Each is one compilable source
/// whose per-tile work the NPU2xxx rules must still find at the bottom. Linked into the analyzer tests (which check the
/// diagnostics) and the analyzer benchmarks (which measure the time as the size grows).
/// </summary>
internal static class DeepShapes
{
    /// <summary>The shapes, by name (the benchmark's parameter).</summary>
    public static readonly string[] Names = { nameof(HelperChain), nameof(HelperChainAcrossTypes), nameof(NestedLoops), nameof(NestedLambdas), nameof(IfChain), nameof(Expression) };

    public static string Source(string shape, int size) => shape switch
    {
        nameof(HelperChain) => HelperChain(size),
        nameof(HelperChainAcrossTypes) => HelperChainAcrossTypes(size),
        nameof(NestedLoops) => NestedLoops(size),
        nameof(NestedLambdas) => NestedLambdas(size),
        nameof(IfChain) => IfChain(size),
        nameof(Expression) => Expression(size),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Not one of DeepShapes.Names."),
    };

    /// <summary>
    /// A tile loop two deep calling H0, each helper calling the next, the last one syncing a field buffer, allocating a
    /// scratch buffer and launching and waiting; and another type calling the whole chain from two loops of its own.
    /// </summary>
    public static string HelperChain(int helpers)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic sealed class Chain\n{\n");
        source.Append("    private readonly Kernel _kernel = null!;\n    private readonly Bo _input = null!;\n    private readonly Device _device = null!;\n");
        source.Append("    public void Run(int tiles)\n    {\n        for (int i = 0; i < tiles; i++)\n            for (int j = 0; j < tiles; j++)\n                H0();\n    }\n");
        for (int h = 0; h < helpers - 1; h++) source.Append($"    private void H{h}() => H{h + 1}();\n");
        source.Append($"    private void H{helpers - 1}()\n    {{\n        _input.Sync(SyncDirection.ToDevice);\n");
        source.Append("        using var scratch = new Bo(_device, 64, BoFlags.HostOnly, 0);\n");
        source.Append("        _kernel.Start(3UL, _input, scratch).Wait().ThrowIfNotCompleted();\n    }\n}\n");
        source.Append("public static class Caller\n{\n    public static void Run(Chain chain, int tiles)\n    {\n");
        source.Append("        for (int i = 0; i < tiles; i++)\n            for (int j = 0; j < tiles; j++)\n                chain.Run(1);\n    }\n}\n");
        return source.ToString();
    }

    /// <summary>A tile loop two deep calling T0.H(), each static class calling the next one's, the last launching and waiting.</summary>
    public static string HelperChainAcrossTypes(int types)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Loop\n{\n");
        source.Append("    public static void Run(Kernel kernel, Bo input, int tiles)\n    {\n        for (int i = 0; i < tiles; i++)\n            for (int j = 0; j < tiles; j++)\n                T0.H(kernel, input);\n    }\n}\n");
        for (int t = 0; t < types - 1; t++) source.Append($"public static class T{t} {{ public static void H(Kernel kernel, Bo input) => T{t + 1}.H(kernel, input); }}\n");
        source.Append($"public static class T{types - 1} {{ public static void H(Kernel kernel, Bo input) => kernel.Start(3UL, input).Wait().ThrowIfNotCompleted(); }}\n");
        return source.ToString();
    }

    /// <summary>Loops nested <paramref name="depth"/> deep, each level syncing the same buffer, the innermost launching and waiting.</summary>
    public static string NestedLoops(int depth)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Nest\n{\n    public static void Run(Kernel kernel, Bo input, int n)\n    {\n");
        for (int d = 0; d < depth; d++) source.Append($"for (int i{d} = 0; i{d} < n; i{d}++) {{ input.Sync(SyncDirection.ToDevice);\n");
        source.Append("kernel.Start(3UL, input).Wait().ThrowIfNotCompleted();\n");
        source.Append('}', depth).Append("\n    }\n}\n");
        return source.ToString();
    }

    /// <summary>List.ForEach lambdas nested <paramref name="depth"/> deep, each syncing the same buffer, the innermost launching.</summary>
    public static string NestedLambdas(int depth)
    {
        var source = new StringBuilder("using System.Collections.Generic;\nusing NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Nest\n{\n");
        source.Append("    public static void Run(Kernel kernel, Bo input, List<int> items, List<Run> runs)\n    {\n");
        for (int d = 0; d < depth; d++) source.Append($"items.ForEach(x{d} => {{ input.Sync(SyncDirection.ToDevice);\n");
        source.Append("runs.Add(kernel.Start(3UL, input));\n");
        for (int d = 0; d < depth; d++) source.Append("});");
        source.Append("\n    }\n}\n");
        return source.ToString();
    }

    /// <summary>A tile loop whose body is an if/else-if chain of <paramref name="branches"/> branches, each syncing the same buffer, then a launch and its wait.</summary>
    public static string IfChain(int branches)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Branches\n{\n    public static void Run(Kernel kernel, Bo input, int tiles, int choice)\n    {\n");
        source.Append("        for (int t = 0; t < tiles; t++)\n        {\n            if (choice == 0) input.Sync(SyncDirection.ToDevice);\n");
        for (int b = 1; b < branches; b++) source.Append($"            else if (choice == {b}) input.Sync(SyncDirection.ToDevice);\n");
        source.Append("            kernel.Start(3UL, input).Wait().ThrowIfNotCompleted();\n        }\n    }\n}\n");
        return source.ToString();
    }

    /// <summary>
    /// A host write, a launch with no sync to the device, and a read of the results with no sync from the device as the
    /// deepest leaf of a sum of <paramref name="terms"/> terms.
    /// </summary>
    public static string Expression(int terms)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Sum\n{\n    public static int Run(Kernel kernel, Bo input, Bo output, int v)\n    {\n");
        source.Append("        input.Map()[0] = 1;\n        kernel.Start(3UL, input, output).Wait().ThrowIfNotCompleted();\n        return output.Map()[0]");
        for (int t = 0; t < terms; t++) source.Append(" + v * ").Append(t);
        source.Append(";\n    }\n}\n");
        return source.ToString();
    }
}
