using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// NPU2006: the host reads a buffer after a launch with no sync from the device in between, or a launch
    /// uses a buffer the host wrote with no sync to the device in between. A must-analysis over the method's
    /// control-flow graph: a fact holds at a point only when it holds on every path there, so a sync on any
    /// path (or anything the analysis cannot follow, such as a call into user code that may sync) means no report.
    /// A call into the compilation that cannot sync (its summary says so) is followed through the mapped spans it is
    /// passed. Tensors are followed as the buffers they hold (see BufferFacts).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingSyncAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NpuDiagnostics.MissingSync);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = NpuTypes.Resolve(start.Compilation);
                if (types is null) return;
                var tensors = TensorTypes.Resolve(start.Compilation);
                var summaries = MethodSummaries.For(types, tensors);
                start.RegisterOperationAction(op => Analyze(types, tensors, summaries, op), OperationKind.MethodBody, OperationKind.ConstructorBody);
            });
        }

        private static void Analyze(NpuTypes types, TensorTypes tensors, MethodSummaries summaries, OperationAnalysisContext context)
        {
            var body = context.Operation;
            if (!body.Descendants().Any(op => op is IInvocationOperation call && IsLaunch(types, tensors, call))) return;
            var graph = context.GetControlFlowGraph();
            var facts = new BufferFacts(types, tensors, method => summaries.Of(method, context.CancellationToken), body);
            AnalyzeGraph(graph, facts, context);
        }

        private static bool IsLaunch(NpuTypes types, TensorTypes tensors, IInvocationOperation call) =>
            types.Classify(call) == NpuCallKind.Launch || TensorTypes.IsLaunch(tensors.Classify(call.TargetMethod));

        /// <summary>The method's graph and, each on its own, the graphs of its local functions.</summary>
        private static void AnalyzeGraph(ControlFlowGraph graph, BufferFacts facts, OperationAnalysisContext context)
        {
            new SyncFlow(graph, facts).Run(context.ReportDiagnostic);
            foreach (var localFunction in graph.LocalFunctions)
                AnalyzeGraph(graph.GetLocalFunctionControlFlowGraph(localFunction, context.CancellationToken), facts, context);
        }
    }
}
