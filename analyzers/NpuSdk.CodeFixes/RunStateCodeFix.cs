using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>NPU2007: check the discarded state, "run.Wait(t);" becomes "run.Wait(t).ThrowIfNotCompleted();".</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RunStateCodeFix)), Shared]
    public sealed class RunStateCodeFix : NpuCodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.RunStateIgnoredId);

        internal override NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic)
        {
            var wait = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax;
            if (!(wait is InvocationExpressionSyntax || wait is ConditionalAccessExpressionSyntax)) return null;
            // "_ = run.Wait();" drops the discard as well; a statement or an expression body keeps its shape.
            ExpressionSyntax discarded = wait!.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } assignment
                ? assignment : wait;
            // Only where a void expression may stand: an arm of a ternary needs a value, so it gets no fix.
            if (!(discarded.Parent is ExpressionStatementSyntax || discarded.Parent is ArrowExpressionClauseSyntax || discarded.Parent is LambdaExpressionSyntax)) return null;
            var replacement = SyntaxFactory.ParseExpression(wait.WithoutTrivia().ToFullString() + ".ThrowIfNotCompleted()").WithTriviaFrom(discarded);
            return new NpuFix("Check the run state with ThrowIfNotCompleted()", nameof(RunStateCodeFix), ImmutableArray.Create<SyntaxNode>(discarded),
                current => current.GetCurrentNode(discarded) is { } node ? current.ReplaceNode(node, replacement) : null,
                importPosition: discarded.SpanStart);
        }
    }
}
