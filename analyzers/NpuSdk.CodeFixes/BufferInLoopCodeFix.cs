using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2003: move a loop-invariant "var b = new Bo(...)" in front of the loop the analyzer chose, so the
    /// buffer is allocated once and reused by every iteration.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BufferInLoopCodeFix)), Shared]
    public sealed class BufferInLoopCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.BufferInLoopId);

        /// <inheritdoc/>
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.Hoist) return;
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var declaration = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (loop is null || declaration is null) return;
            context.RegisterCodeFix(
                CodeAction.Create("Allocate the buffer once, before the loop", _ =>
                {
                    var hoisted = declaration.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    var newRoot = root.TrackNodes(loop, declaration);
                    newRoot = newRoot.InsertNodesBefore(newRoot.GetCurrentNode(loop)!, new[] { hoisted });
                    newRoot = newRoot.RemoveNode(newRoot.GetCurrentNode(declaration)!, SyntaxRemoveOptions.KeepNoTrivia)!;
                    return Task.FromResult(context.Document.WithSyntaxRoot(newRoot));
                }, nameof(BufferInLoopCodeFix)),
                diagnostic);
        }
    }
}
