using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>NPU2007: check the discarded state, "run.Wait(t);" becomes "run.Wait(t).ThrowIfNotCompleted();".</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RunStateCodeFix)), Shared]
    public sealed class RunStateCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.RunStateIgnoredId);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var diagnostic = context.Diagnostics[0];
            var wait = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax;
            if (root is null || !(wait is InvocationExpressionSyntax || wait is ConditionalAccessExpressionSyntax)) return;
            // "_ = run.Wait();" drops the discard as well; a statement or an expression body keeps its shape.
            ExpressionSyntax discarded = wait.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } assignment
                ? assignment : wait;
            // Only where a void expression may stand: an arm of a ternary needs a value, so it gets no fix.
            if (!(discarded.Parent is ExpressionStatementSyntax || discarded.Parent is ArrowExpressionClauseSyntax || discarded.Parent is LambdaExpressionSyntax)) return;
            context.RegisterCodeFix(
                CodeAction.Create("Check the run state with ThrowIfNotCompleted()", ct => FixAsync(context.Document, root, discarded, wait, ct), nameof(RunStateCodeFix)),
                diagnostic);
        }

        private static async Task<Document> FixAsync(Document document, SyntaxNode root, ExpressionSyntax discarded, ExpressionSyntax wait, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var replacement = SyntaxFactory.ParseExpression(wait.WithoutTrivia().ToFullString() + ".ThrowIfNotCompleted()")
                .WithTriviaFrom(discarded);
            var newRoot = root.ReplaceNode(discarded, replacement);
            newRoot = FixSyntax.EnsureNpuSdkImport(newRoot, model!, discarded.SpanStart);
            return document.WithSyntaxRoot(newRoot);
        }
    }
}
