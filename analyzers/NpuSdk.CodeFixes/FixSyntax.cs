using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace NpuSdk.CodeFixes
{
    /// <summary>Syntax helpers the NPU fixes share: new statements, the loop a diagnostic names, the SDK import.</summary>
    internal static class FixSyntax
    {
        /// <summary>A statement parsed from text, to be formatted and simplified (NpuSdk.X becomes X under "using NpuSdk;").</summary>
        public static StatementSyntax Statement(string text) =>
            SyntaxFactory.ParseStatement(text)
                .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                .WithTrailingTrivia(SyntaxFactory.ElasticMarker)
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);

        /// <summary>The loop statement the analyzer chose as the fix's boundary (the first additional location).</summary>
        public static StatementSyntax? TargetLoop(SyntaxNode root, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0) return null;
            var span = diagnostic.AdditionalLocations[0].SourceSpan;
            var node = root.FindNode(span, getInnermostNodeForTie: false);
            return node is GlobalStatementSyntax global ? global.Statement : node as StatementSyntax;
        }

        /// <summary>
        /// Inserts a statement before or after an anchor statement; in top-level code the anchor's sibling is the
        /// enclosing global statement, so the new statement becomes a global statement of its own. A statement
        /// inserted before takes over the anchor's leading comment, which describes the step as a whole.
        /// </summary>
        public static SyntaxNode Insert(SyntaxNode root, StatementSyntax anchor, StatementSyntax statement, bool before)
        {
            SyntaxNode sibling = anchor.Parent is GlobalStatementSyntax global ? global : anchor;
            SyntaxNode inserted = anchor.Parent is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(statement) : statement;
            // After the anchor: the anchor's line break already ends the line, so the new statement brings only
            // the anchor's indentation (an elastic line break would leave a blank line).
            if (!before) return root.InsertNodesAfter(sibling, new[] { inserted.WithLeadingTrivia(Indentation(sibling)) });
            inserted = inserted.WithLeadingTrivia(sibling.GetLeadingTrivia());
            return root.ReplaceNode(sibling, new[] { inserted, sibling.WithLeadingTrivia(SyntaxFactory.ElasticMarker) });
        }

        private const string InsertedKind = "NpuSdk.InsertedStatement";

        /// <summary>Marks a statement a fix inserts, with what it does ("output.FromDevice"), so later fixes of one pass can see it.</summary>
        public static StatementSyntax Inserted(StatementSyntax statement, string key) =>
            statement.WithAdditionalAnnotations(new SyntaxAnnotation(InsertedKind, key));

        /// <summary>
        /// True when the whole-buffer syncs right before or after the anchor (a fix puts them there) include this
        /// one: the text is compared, so a sync placed by an earlier fix, of this pass or an earlier one, counts.
        /// </summary>
        public static bool SyncNextTo(StatementSyntax anchor, string buffer, string direction, bool before)
        {
            var siblings = Siblings(anchor, out int index);
            for (int i = before ? index - 1 : index + 1; i >= 0 && i < siblings.Count; i += before ? -1 : 1)
            {
                if (!(WholeBufferSync(siblings[i]) is { } sync)) return false;
                if (sync == (buffer, direction)) return true;
            }
            return false;
        }

        /// <summary>"b.Sync(SyncDirection.D);" (also spelled with NpuSdk.Xrt.) as (b, D); else null.</summary>
        private static (string Buffer, string Direction)? WholeBufferSync(SyntaxNode statement)
        {
            if (!(statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sync" } access } call })
                || call.ArgumentList.Arguments.Count != 1 || !(call.ArgumentList.Arguments[0].Expression is MemberAccessExpressionSyntax direction))
                return null;
            return (access.Expression.WithoutTrivia().ToString(), direction.Name.Identifier.ValueText);
        }

        /// <summary>
        /// True when a statement with this key was inserted (by an earlier fix of this pass) before the anchor in its
        /// block or an enclosing one, with no launch or host write between them that would need a sync of its own.
        /// <paramref name="variable"/> is the buffer or tensor synced: a call it is passed to may be a launch over it.
        /// </summary>
        public static bool InsertedBefore(SyntaxNode anchor, string key, string variable)
        {
            foreach (var statement in anchor.AncestorsAndSelf().OfType<StatementSyntax>())
            {
                if (!(statement.Parent is BlockSyntax || statement.Parent is GlobalStatementSyntax)) continue;
                var siblings = Siblings(statement, out int index);
                for (int i = index - 1; i >= 0; i--)
                {
                    if (siblings[i].GetAnnotations(InsertedKind).Any(a => a.Data == key)) return true;
                    if (MayNeedItsOwnSync(siblings[i], variable)) return false;
                }
            }
            return false;
        }

        /// <summary>
        /// A launch or host write, or what may be one: a call of those names (a replay and NpuLaunch.Invoke among them),
        /// or any call the variable is passed to (a generated kernel method over tensors has the kernel's own name).
        /// </summary>
        private static bool MayNeedItsOwnSync(SyntaxNode statement, string variable) =>
            statement.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(call =>
                call.Expression is MemberAccessExpressionSyntax
                {
                    Name.Identifier.ValueText: "Start" or "Execute" or "Write" or "Map" or "Sync" or "Replay" or "Invoke" or "InvokeAsync",
                }
                || call.ArgumentList.Arguments.Any(a => a.Expression is IdentifierNameSyntax name && name.Identifier.ValueText == variable));

        /// <summary>The statements of the anchor's block (or the top-level statements), and the anchor's index there.</summary>
        private static IReadOnlyList<SyntaxNode> Siblings(StatementSyntax anchor, out int index)
        {
            SyntaxNode self = anchor.Parent is GlobalStatementSyntax global ? global : anchor;
            var siblings = self.Parent switch
            {
                BlockSyntax block => block.Statements.Cast<SyntaxNode>().ToList(),
                CompilationUnitSyntax unit => unit.Members.Cast<SyntaxNode>().ToList(),
                _ => new List<SyntaxNode> { self },
            };
            index = siblings.IndexOf(self);
            // A top-level statement's annotation sits on its statement, inside the global statement.
            return siblings.Select(s => s is GlobalStatementSyntax g ? g.Statement : s).ToList();
        }

        private static SyntaxTriviaList Indentation(SyntaxNode statement)
        {
            var leading = statement.GetLeadingTrivia();
            return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1]) : SyntaxFactory.TriviaList();
        }

        /// <summary>Adds "using NpuSdk.Xrt;" (where the XRT mirror's CommandState lives) when ThrowIfNotCompleted would not be in scope without it.</summary>
        public static SyntaxNode EnsureNpuSdkImport(SyntaxNode root, SemanticModel model, int position)
        {
            bool inScope = model.LookupSymbols(position, name: "ThrowIfNotCompleted", includeReducedExtensionMethods: true).Any()
                || model.LookupNamespacesAndTypes(position, name: "CommandStateExtensions").Any();
            if (inScope || !(root is CompilationUnitSyntax unit)) return root;
            return unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("NpuSdk.Xrt")).WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>A name not yet used for any identifier in the member, from a preferred one.</summary>
        public static string FreeName(SyntaxNode scope, string preferred)
        {
            var used = scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText).ToImmutableHashSet();
            var name = preferred;
            for (int i = 2; used.Contains(name); i++) name = preferred + i;
            return name;
        }
    }
}
