using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// One fix, prepared against the document the diagnostic came from: the nodes it edits, and an edit that
    /// finds them again in a root where earlier fixes of the same pass may already have moved things around.
    /// </summary>
    internal sealed class NpuFix
    {
        public NpuFix(string title, string equivalenceKey, ImmutableArray<SyntaxNode> nodes,
            Func<SyntaxNode, SyntaxNode?> apply, int? importPosition = null)
        {
            Title = title;
            EquivalenceKey = equivalenceKey;
            Nodes = nodes;
            Apply = apply;
            ImportPosition = importPosition;
        }

        public string Title { get; }
        public string EquivalenceKey { get; }
        /// <summary>The nodes of the original document the edit needs.</summary>
        public ImmutableArray<SyntaxNode> Nodes { get; }
        /// <summary>
        /// The edit of the current root, in which <see cref="Nodes"/> are tracked (find each with GetCurrentNode;
        /// null once an earlier fix removed it). Returns null when nothing is left to do.
        /// </summary>
        public Func<SyntaxNode, SyntaxNode?> Apply { get; }
        /// <summary>Where "using NpuSdk;" must be in scope for the new code (ThrowIfNotCompleted), in the original document.</summary>
        public int? ImportPosition { get; }
    }

    /// <summary>
    /// The base of every NPU code fix. A fix is prepared from the syntax root and applied to tracked nodes, so the
    /// same edit serves one diagnostic and a whole fix-all pass: Roslyn's batch fixer merges text changes and
    /// drops the ones that touch the same place, which these fixes do (two syncs moved after one loop, two
    /// declarations hoisted before it, two added imports). Here each fix of a document is applied in turn to the
    /// result of the previous ones.
    /// </summary>
    public abstract class NpuCodeFixProvider : CodeFixProvider
    {
        private static readonly FixAllProvider FixAll = FixAllProvider.Create(FixDocumentAsync);

        /// <inheritdoc/>
        public sealed override FixAllProvider GetFixAllProvider() => FixAll;

        /// <inheritdoc/>
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var fix = Prepare(root, diagnostic);
                if (fix is null) continue;
                context.RegisterCodeFix(CodeAction.Create(fix.Title, ct => ApplyAsync(context.Document, root, new[] { fix }, ct), fix.EquivalenceKey), diagnostic);
            }
        }

        /// <summary>The fix for one diagnostic of the document whose root is given, or null when none is safe.</summary>
        internal abstract NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic);

        private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            if (!(context.CodeFixProvider is NpuCodeFixProvider provider)) return null;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return null;
            var fixes = diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
                .Select(d => provider.Prepare(root, d))
                .Where(f => f is not null && (context.CodeActionEquivalenceKey is null || f.EquivalenceKey == context.CodeActionEquivalenceKey))
                .ToList();
            return fixes.Count == 0 ? document : await ApplyAsync(document, root, fixes!, context.CancellationToken).ConfigureAwait(false);
        }

        private static async Task<Document> ApplyAsync(Document document, SyntaxNode root, IReadOnlyList<NpuFix> fixes, CancellationToken cancellationToken)
        {
            var current = root.TrackNodes(fixes.SelectMany(f => f.Nodes));
            foreach (var fix in fixes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = fix.Apply(current) ?? current;
            }
            var import = fixes.Select(f => f.ImportPosition).FirstOrDefault(p => p is not null);
            if (import is { } position)
            {
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                current = FixSyntax.EnsureNpuSdkImport(current, model!, position);
            }
            return document.WithSyntaxRoot(current);
        }
    }
}
