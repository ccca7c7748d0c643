using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Emit;

/// <summary>
/// Writes a method's descriptor as typed C#: the xclbin's path and the uuid the generator read, the instruction stream,
/// the design (pattern, tile, every argument of the kernel's signature and what a run binds to it, the numeric rule), the
/// method's parameters and the timeout, with the kernel model's enums and constructors and named arguments, so a reader
/// sees what a call binds without the manifest open. The runtime plans calls from it and parses nothing.
/// </summary>
internal static class DescriptorWriter
{
    private const string Model = "global::NpuSdk.KernelModel.";
    private const string Launch = "global::NpuSdk.Launch.";

    /// <summary>The descriptor's initializer: an expression over several lines, without the first line's indentation.</summary>
    /// <param name="method">The method: its name and parameters.</param>
    /// <param name="xclbinPath">The xclbin's path in the output folder.</param>
    /// <param name="uuid">The uuid of the xclbin the generator read.</param>
    /// <param name="instructionsPath">The instruction stream's path in the output folder, or empty.</param>
    /// <param name="design">The design bound to the kernel's arguments.</param>
    /// <param name="operands">The design's operands in parameter order; the method's scalars bind its passed scalars in argument order.</param>
    /// <param name="timeoutMilliseconds">How long a call waits.</param>
    public static string Write(MethodModel method, string xclbinPath, string uuid, string instructionsPath, KernelDesign design, IReadOnlyList<string> operands, int timeoutMilliseconds)
    {
        var w = new IndentedWriter();
        w.WriteLine($"new {Launch}NpuKernelDescriptor(");
        using (w.Indent())
        {
            w.WriteLine($"method: {CSharpText.StringLiteral(method.DisplayName)},");
            w.WriteLine($"xclbinPath: {CSharpText.StringLiteral(xclbinPath)},");
            w.WriteLine($"xclbinUuid: {CSharpText.StringLiteral(uuid)},");
            w.WriteLine($"instructionsPath: {CSharpText.StringLiteral(instructionsPath)},");
            w.WriteLine($"design: new {Model}KernelDesign(");
            using (w.Indent())
            {
                w.WriteLine($"name: {CSharpText.StringLiteral(design.Name)},");
                w.WriteLine($"kernel: {CSharpText.StringLiteral(design.Kernel)},");
                w.WriteLine($"operation: {CSharpText.StringLiteral(design.Operation)},");
                w.WriteLine($"pattern: global::NpuSdk.NpuPattern.{design.Pattern},");
                w.WriteLine($"cores: {Int(design.Cores)},");
                w.WriteLine($"tile: new {Model}DesignTile[] {{ {string.Join(", ", design.Tile.Select(t => $"new({CSharpText.StringLiteral(t.Key)}, {Int(t.Value)})"))} }},");
                w.WriteLine($"arguments: new {Model}DesignArgument[]");
                w.WriteLine("{");
                using (w.Indent())
                    foreach (var a in design.Arguments) w.WriteLine(Argument(a) + ",");
                w.WriteLine("},");
                w.WriteLine($"numeric: {Numeric(design.Numeric)}),");
            }
            w.WriteLine($"parameters: new {Launch}NpuParameter[]");
            w.WriteLine("{");
            using (w.Indent())
            {
                var buffers = method.Parameters.Where(p => p.Element is not null).ToList();
                var scalars = method.Parameters.Where(p => p.Scalar is not null).ToList();
                var passed = design.Arguments.Where(a => a.Use == ArgumentUse.Scalar && a.Value is null).ToList();
                for (int i = 0; i < buffers.Count; i++)
                    w.WriteLine($"{Launch}NpuParameter.Buffer({CSharpText.StringLiteral(buffers[i].PlainName)}, {CSharpText.StringLiteral(operands[i])}, {Model}ElementType.{buffers[i].Element}),");
                for (int i = 0; i < scalars.Count; i++)
                    w.WriteLine($"{Launch}NpuParameter.Scalar({CSharpText.StringLiteral(scalars[i].PlainName)}, {CSharpText.StringLiteral(passed[i].Name)}, {Model}ScalarType.{scalars[i].Scalar}),");
            }
            w.WriteLine("},");
            w.WriteLine($"timeoutMilliseconds: {Int(timeoutMilliseconds)})");
        }
        return w.ToString().TrimEnd('\r', '\n');
    }

    private static string Argument(DesignArgument a)
    {
        string head = $"{Model}DesignArgument.";
        string at = $"{Int(a.Index)}, {CSharpText.StringLiteral(a.Name)}";
        switch (a.Use)
        {
            case ArgumentUse.Opcode: return $"{head}Opcode({at})";
            case ArgumentUse.Instructions: return $"{head}Instructions({at})";
            case ArgumentUse.InstructionCount: return $"{head}InstructionCount({at})";
            case ArgumentUse.Unused: return $"{head}Unused({at})";
            case ArgumentUse.Scalar:
                string scalar = $"{head}Scalar({at}, {Model}ScalarType.{a.ScalarType}, {CSharpText.StringLiteral(a.Meaning)}";
                return a.Value is double v ? $"{scalar}, {Double(v)})" : scalar + ")";
            default:
                string parts = string.Join(", ", a.Parts.Select(p => $"new {Model}DesignPart({string.Join(", ", new[] { p.Operand }.Concat(p.Shape).Select(CSharpText.StringLiteral))})"));
                return $"{head}{a.Role}({at}, {Model}ElementType.{a.ElementType}, {parts})";
        }
    }

    private static string Numeric(NumericRule rule)
    {
        var args = new List<string> { $"{Model}ElementType.{rule.Accumulator}" };
        if (rule.WideAccumulator) args.Add("wideAccumulator: true");
        if (rule.Shift != 0) args.Add($"shift: {Int(rule.Shift)}");
        if (rule.Rounding != Rounding.None) args.Add($"rounding: {Model}Rounding.{rule.Rounding}");
        if (rule.Saturate is { } saturate) args.Add($"saturate: {Model}ElementType.{saturate}");
        if (rule.HostAccumulator is { } host) args.Add($"hostAccumulator: {Model}ElementType.{host}");
        if (rule.MultiplyAdd != MultiplyAdd.Fused) args.Add($"multiplyAdd: {Model}MultiplyAdd.{rule.MultiplyAdd}");
        void Text(string name, string? value)
        {
            if (value is not null) args.Add($"{name}: {CSharpText.StringLiteral(value)}");
        }
        void Number(string name, double? value)
        {
            if (value is double d) args.Add($"{name}: {Double(d)}");
        }
        Text("order", rule.Order);
        Text("bfloat16Rounding", rule.BFloat16Rounding);
        Text("nan", rule.NaN);
        Number("epsilon", rule.Epsilon);
        Text("variance", rule.Variance);
        Text("formula", rule.Formula);
        Number("scale", rule.Scale);
        if (rule.Tolerance is { } t) args.Add($"tolerance: new {Model}ManifestTolerance({Double(t.Relative)}, {Double(t.Absolute)})");
        return $"new {Model}NumericRule({string.Join(", ", args)})";
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as a C# literal that reads back exactly (the manifest's values are finite).</summary>
    private static string Double(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }
}
