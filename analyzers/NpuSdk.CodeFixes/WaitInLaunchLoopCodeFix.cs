using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2001: keep every run in flight. The loop collects its started runs in a list and one loop after it
    /// waits for each and checks its state, so the NPU queues the launches instead of finishing them one at a
    /// time. Offered only when the wait is the last statement of the iteration (nothing in it reads results).
    /// Each fixed loop of a method gets a list of its own name.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WaitInLaunchLoopCodeFix)), Shared]
    public sealed class WaitInLaunchLoopCodeFix : NpuCodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.WaitInLaunchLoopId);

        internal override NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.WaitAfterLoop) return null;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var wait = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as InvocationExpressionSyntax;
            if (loop is null || !(wait?.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax run })
                || !(wait.FirstAncestorOrSelf<ExpressionStatementSyntax>() is { } statement))
                return null;
            return new NpuFix("Wait for the runs once, after the loop", nameof(WaitInLaunchLoopCodeFix), ImmutableArray.Create<SyntaxNode>(loop, statement),
                current => Apply(current, loop, statement, wait, run), importPosition: loop.SpanStart);
        }

        private static SyntaxNode? Apply(SyntaxNode root, StatementSyntax loop, ExpressionStatementSyntax statement, InvocationExpressionSyntax wait, IdentifierNameSyntax run)
        {
            if (root.GetCurrentNode(loop) is not { } currentLoop || root.GetCurrentNode(statement) is not { } currentStatement) return null;
            var member = currentLoop.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? root;
            string list = FixSyntax.FreeName(member, "startedRuns");
            string item = FixSyntax.FreeName(member, "startedRun");

            // The same wait (and check, when there was one) on each collected run.
            var expression = statement.Expression;
            var perRun = expression.ReplaceNode(run, run.WithIdentifier(SyntaxFactory.Identifier(item))).WithoutTrivia().ToFullString();
            if (ReferenceEquals(expression, wait)) perRun += ".ThrowIfNotCompleted()";

            var newRoot = root.ReplaceNode(currentStatement, FixSyntax.Statement($"{list}.Add({run.Identifier.ValueText});").WithTriviaFrom(currentStatement));
            // After first, while the loop still has its own indentation to copy.
            newRoot = FixSyntax.Insert(newRoot, newRoot.GetCurrentNode(loop)!, FixSyntax.Statement($"foreach (var {item} in {list}) {perRun};"), before: false);
            return FixSyntax.Insert(newRoot, newRoot.GetCurrentNode(loop)!, FixSyntax.Statement($"var {list} = new System.Collections.Generic.List<NpuSdk.Xrt.Run>();"), before: true);
        }
    }
}
