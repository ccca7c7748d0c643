using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2002: replace the per-iteration sync with one sync of the whole buffer: after the loop that writes
    /// to-device data, before the loop that reads from-device data. The analyzer only offers this when the
    /// loop does not launch in between.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SyncInLoopCodeFix)), Shared]
    public sealed class SyncInLoopCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.SyncInLoopId);

        /// <inheritdoc/>
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.Hoist
                || !diagnostic.Properties.TryGetValue(LoopFixes.DirectionKey, out var direction) || direction is null)
                return;
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var sync = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as InvocationExpressionSyntax;
            if (loop is null || !(sync?.Expression is MemberAccessExpressionSyntax access) || !(sync.Parent is ExpressionStatementSyntax statement)) return;
            bool toDevice = direction == "ToDevice";
            var wholeBuffer = FixSyntax.Statement($"{access.Expression.WithoutTrivia()}.Sync(NpuSdk.SyncDirection.{direction});");
            context.RegisterCodeFix(
                CodeAction.Create(toDevice ? "Sync the whole buffer once, after the loop" : "Sync the whole buffer once, before the loop", _ =>
                {
                    var newRoot = root.TrackNodes(loop, statement);
                    var currentLoop = newRoot.GetCurrentNode(loop)!;
                    newRoot = FixSyntax.Insert(newRoot, currentLoop, wholeBuffer, before: !toDevice);
                    newRoot = newRoot.RemoveNode(newRoot.GetCurrentNode(statement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
                    return Task.FromResult(context.Document.WithSyntaxRoot(newRoot));
                }, nameof(SyncInLoopCodeFix)),
                diagnostic);
        }
    }
}
