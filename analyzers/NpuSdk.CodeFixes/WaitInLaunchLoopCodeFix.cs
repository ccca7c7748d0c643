using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2001: keep every run in flight. The loop collects its started runs in a list and one loop after it
    /// waits for each and checks its state, so the NPU queues the launches instead of finishing them one at a
    /// time. Offered only when the wait is the last statement of the iteration (nothing in it reads results).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WaitInLaunchLoopCodeFix)), Shared]
    public sealed class WaitInLaunchLoopCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.WaitInLaunchLoopId);

        /// <inheritdoc/>
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue(LoopFixes.FixKey, out var fix) || fix != LoopFixes.WaitAfterLoop) return;
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            var loop = FixSyntax.TargetLoop(root, diagnostic);
            var wait = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as InvocationExpressionSyntax;
            if (loop is null || !(wait?.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax run })
                || !(wait.FirstAncestorOrSelf<ExpressionStatementSyntax>() is { } statement))
                return;
            context.RegisterCodeFix(
                CodeAction.Create("Wait for the runs once, after the loop", ct => FixAsync(context.Document, root, loop, statement, wait, run, ct), nameof(WaitInLaunchLoopCodeFix)),
                diagnostic);
        }

        private static async Task<Document> FixAsync(Document document, SyntaxNode root, StatementSyntax loop, ExpressionStatementSyntax statement,
            InvocationExpressionSyntax wait, IdentifierNameSyntax run, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var member = loop.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)root;
            string list = FixSyntax.FreeName(member, "startedRuns");
            string item = FixSyntax.FreeName(member, "startedRun");

            // The same wait (and check, when there was one) on each collected run.
            var expression = statement.Expression;
            var perRun = expression.ReplaceNode(run, run.WithIdentifier(Microsoft.CodeAnalysis.CSharp.SyntaxFactory.Identifier(item)))
                .WithoutTrivia().ToFullString();
            if (ReferenceEquals(expression, wait)) perRun += ".ThrowIfNotCompleted()";

            var newRoot = root.TrackNodes(loop, statement);
            newRoot = newRoot.ReplaceNode(newRoot.GetCurrentNode(statement)!, FixSyntax.Statement($"{list}.Add({run.Identifier.ValueText});").WithTriviaFrom(statement));
            // After first, while the loop still has its own indentation to copy.
            newRoot = FixSyntax.Insert(newRoot, newRoot.GetCurrentNode(loop)!, FixSyntax.Statement($"foreach (var {item} in {list}) {perRun};"), before: false);
            newRoot = FixSyntax.Insert(newRoot, newRoot.GetCurrentNode(loop)!, FixSyntax.Statement($"var {list} = new System.Collections.Generic.List<NpuSdk.Run>();"), before: true);
            newRoot = FixSyntax.EnsureNpuSdkImport(newRoot, model!, loop.SpanStart);
            return document.WithSyntaxRoot(newRoot);
        }
    }
}
