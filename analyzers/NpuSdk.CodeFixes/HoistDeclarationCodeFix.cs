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
    /// NPU2003 and NPU2005: move a loop-invariant declaration ("var b = new Bo(...)", "using var device =
    /// Device.Open()", "var kernel = new Kernel(...)") in front of the loop the analyzer chose, so the buffer
    /// or the opened object is created once and reused by every iteration.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HoistDeclarationCodeFix)), Shared]
    public sealed class HoistDeclarationCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.BufferInLoopId, NpuDiagnostics.SetupInLoopId);

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
                CodeAction.Create(diagnostic.Id == NpuDiagnostics.BufferInLoopId ? "Allocate the buffer once, before the loop" : "Open it once, before the loop", _ =>
                {
                    var hoisted = declaration.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticMarker)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    var newRoot = root.TrackNodes(loop, declaration);
                    newRoot = FixSyntax.Insert(newRoot, newRoot.GetCurrentNode(loop)!, hoisted, before: true);
                    newRoot = newRoot.RemoveNode(newRoot.GetCurrentNode(declaration)!, SyntaxRemoveOptions.KeepNoTrivia)!;
                    return Task.FromResult(context.Document.WithSyntaxRoot(newRoot));
                }, nameof(HoistDeclarationCodeFix) + diagnostic.Id),
                diagnostic);
        }
    }
}
