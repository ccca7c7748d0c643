using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2002: replace the per-iteration sync with one sync of the whole buffer: after the loop that writes
    /// to-device data, before the loop that reads from-device data. The analyzer only offers this when the
    /// loop does not launch in between. Two syncs of one buffer in one loop become one whole-buffer sync.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SyncInLoopCodeFix)), Shared]
    public sealed class SyncInLoopCodeFix : NpuCodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.SyncInLoopId);

        internal override NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.Hoist
                || !diagnostic.Properties.TryGetValue(LoopFixes.DirectionKey, out var direction) || direction is null)
                return null;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var sync = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as InvocationExpressionSyntax;
            if (loop is null || !(sync?.Expression is MemberAccessExpressionSyntax access) || !(sync.Parent is ExpressionStatementSyntax statement)) return null;
            bool toDevice = direction == "ToDevice";
            string buffer = access.Expression.WithoutTrivia().ToString();
            return new NpuFix(toDevice ? "Sync the whole buffer once, after the loop" : "Sync the whole buffer once, before the loop", nameof(SyncInLoopCodeFix),
                ImmutableArray.Create<SyntaxNode>(loop, statement), current =>
                {
                    if (current.GetCurrentNode(loop) is not { } currentLoop) return null;
                    var newRoot = FixSyntax.SyncNextTo(currentLoop, buffer, direction, before: !toDevice) ? current
                        : FixSyntax.Insert(current, currentLoop, FixSyntax.Statement($"{buffer}.Sync(NpuSdk.Xrt.SyncDirection.{direction});"), before: !toDevice);
                    return newRoot.GetCurrentNode(statement) is { } moved ? newRoot.RemoveNode(moved, SyntaxRemoveOptions.KeepNoTrivia) : null;
                });
        }
    }
}
