using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NpuSdk.Benchmarks.Kernels;

/// <summary>Marks a benchmark class whose every method performs <see cref="Operations"/> arithmetic operations (2 per MAC).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OperationsAttribute(long operations) : Attribute
{
    /// <summary>Operations per benchmark invocation.</summary>
    public long Operations { get; } = operations;
}

/// <summary>A column of billions of operations per second, from the mean time and the class's <see cref="OperationsAttribute"/>.</summary>
public sealed class GopsColumn : IColumn
{
    /// <inheritdoc />
    public string Id => "GOPS";
    /// <inheritdoc />
    public string ColumnName => "GOPS";
    /// <inheritdoc />
    public bool AlwaysShow => true;
    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc />
    public int PriorityInCategory => 0;
    /// <inheritdoc />
    public bool IsNumeric => true;
    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc />
    public string Legend => "Billions of arithmetic operations per second (2 per multiply-accumulate)";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var ops = benchmarkCase.Descriptor.Type.GetCustomAttributes(typeof(OperationsAttribute), false).OfType<OperationsAttribute>().FirstOrDefault();
        var report = summary[benchmarkCase];
        if (ops is null || report?.ResultStatistics is not { } stats) return "-";
        return (ops.Operations / stats.Mean).ToString("F2", System.Globalization.CultureInfo.InvariantCulture); // ns per call -> ops/ns = GOPS
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>The kernel benchmarks' configuration: a short run, allocations, and the GOPS column.</summary>
public sealed class KernelBenchmarkConfig : BenchmarkDotNet.Configs.ManualConfig
{
    /// <summary>Creates the configuration.</summary>
    public KernelBenchmarkConfig()
    {
        AddJob(BenchmarkDotNet.Jobs.Job.ShortRun);
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        AddColumn(new GopsColumn());
    }
}
