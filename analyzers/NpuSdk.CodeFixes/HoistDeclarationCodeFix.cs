using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
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
    /// or the opened object is created once and reused by every iteration. Several declarations hoisted before
    /// one loop keep their order.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HoistDeclarationCodeFix)), Shared]
    public sealed class HoistDeclarationCodeFix : NpuCodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.BufferInLoopId, NpuDiagnostics.SetupInLoopId);

        internal override NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.Hoist) return null;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var declaration = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (loop is null || declaration is null) return null;
            string title = diagnostic.Id == NpuDiagnostics.BufferInLoopId ? "Allocate the buffer once, before the loop" : "Open it once, before the loop";
            return new NpuFix(title, nameof(HoistDeclarationCodeFix) + diagnostic.Id, ImmutableArray.Create<SyntaxNode>(loop, declaration), current =>
            {
                if (current.GetCurrentNode(loop) is not { } currentLoop) return null;
                // A copy of the original, which carries no tracking of its own.
                var hoisted = declaration.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Formatter.Annotation);
                var newRoot = FixSyntax.Insert(current, currentLoop, hoisted, before: true);
                return newRoot.GetCurrentNode(declaration) is { } moved ? newRoot.RemoveNode(moved, SyntaxRemoveOptions.KeepNoTrivia) : null;
            });
        }
    }
}
