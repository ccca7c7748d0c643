using Microsoft.CodeAnalysis;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Every NPU2xxx descriptor in one place, so IDs, titles and help links stay stable and are tracked
    /// in AnalyzerReleases.*.md. Each help link points at the rule's page under docs/diagnostics/.
    /// </summary>
    public static class NpuDiagnostics
    {
        private const string Category = "NpuPerformance";
        private const string CorrectnessCategory = "NpuCorrectness";
        private const string HelpLinkBase = "https://github.com/npusdk/npusdk/blob/main/docs/diagnostics/";

        /// <summary>ID of the rule "blocking wait in a launch loop".</summary>
        public const string WaitInLaunchLoopId = "NPU2001";
        /// <summary>ID of the rule "sync inside a loop".</summary>
        public const string SyncInLoopId = "NPU2002";
        /// <summary>ID of the rule "buffer allocated inside a loop".</summary>
        public const string BufferInLoopId = "NPU2003";
        /// <summary>ID of the rule "kernel launch in a tile loop".</summary>
        public const string LaunchInTileLoopId = "NPU2004";
        /// <summary>ID of the rule "device, xclbin, context or kernel opened inside a loop".</summary>
        public const string SetupInLoopId = "NPU2005";
        /// <summary>ID of the rule "host access or launch without the matching sync".</summary>
        public const string MissingSyncId = "NPU2006";
        /// <summary>ID of the rule "run state ignored".</summary>
        public const string RunStateIgnoredId = "NPU2007";

        /// <summary>NPU2001: a run's Wait inside a loop body that also starts runs.</summary>
        public static readonly DiagnosticDescriptor WaitInLaunchLoop = Create(
            WaitInLaunchLoopId,
            "Blocking wait in a launch loop",
            "'{0}' blocks inside a loop that starts runs, so launches complete one at a time; collect the runs (a run list or a list of started runs) and wait once after the loop",
            Category, DiagnosticSeverity.Warning);

        /// <summary>NPU2002: a buffer Sync inside a loop body.</summary>
        public static readonly DiagnosticDescriptor SyncInLoop = Create(
            SyncInLoopId,
            "Sync inside a loop",
            "'{0}.Sync({1})' runs once per loop iteration, one DMA transfer per tile; sync the whole buffer once {2}",
            Category, DiagnosticSeverity.Warning);

        /// <summary>NPU2003: a buffer or sub-buffer created per loop iteration.</summary>
        public static readonly DiagnosticDescriptor BufferInLoop = Create(
            BufferInLoopId,
            "Buffer allocated inside a loop",
            "{0} is allocated on every loop iteration; allocate it once outside the loop",
            Category, DiagnosticSeverity.Warning);

        /// <summary>NPU2004: a launch nested two or more loops deep, or in one loop known to walk many tiles.</summary>
        public static readonly DiagnosticDescriptor LaunchInTileLoop = Create(
            LaunchInTileLoopId,
            "Kernel launch in a tile loop",
            "'{0}' launches a kernel {1}, once per tile; an [NpuKernel] method plans every tile of the call and submits them in one batch",
            Category, DiagnosticSeverity.Info);

        /// <summary>NPU2005: device, xclbin, context or kernel opened inside a loop.</summary>
        public static readonly DiagnosticDescriptor SetupInLoop = Create(
            SetupInLoopId,
            "Device, xclbin, context or kernel opened inside a loop",
            "{0} runs on every loop iteration{1}; each costs tens of milliseconds on an NPU, open it once and cache it",
            Category, DiagnosticSeverity.Warning);

        /// <summary>NPU2006: a host read after a launch, or a launch after a host write, with no sync on any path.</summary>
        public static readonly DiagnosticDescriptor MissingSync = Create(
            MissingSyncId,
            "Host access or launch without the matching sync",
            "{0} '{1}' {2}, but no path syncs it with Sync(SyncDirection.{3}) in between; {4}",
            CorrectnessCategory, DiagnosticSeverity.Warning);

        /// <summary>NPU2007: the state returned by a wait is discarded.</summary>
        public static readonly DiagnosticDescriptor RunStateIgnored = Create(
            RunStateIgnoredId,
            "Run state ignored",
            "The state returned by '{0}' is discarded, so a failed or timed-out run silently leaves stale data; check it, e.g. with ThrowIfNotCompleted()",
            CorrectnessCategory, DiagnosticSeverity.Warning);

        /// <summary>The help page of a rule.</summary>
        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity) =>
            new DiagnosticDescriptor(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
    }
}
