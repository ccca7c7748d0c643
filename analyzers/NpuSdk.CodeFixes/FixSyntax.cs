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

        private static SyntaxTriviaList Indentation(SyntaxNode statement)
        {
            var leading = statement.GetLeadingTrivia();
            return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1]) : SyntaxFactory.TriviaList();
        }

        /// <summary>Adds "using NpuSdk;" when ThrowIfNotCompleted would not be in scope without it.</summary>
        public static SyntaxNode EnsureNpuSdkImport(SyntaxNode root, SemanticModel model, int position)
        {
            bool inScope = model.LookupSymbols(position, name: "ThrowIfNotCompleted", includeReducedExtensionMethods: true).Any()
                || model.LookupNamespacesAndTypes(position, name: "CommandStateExtensions").Any();
            if (inScope || !(root is CompilationUnitSyntax unit)) return root;
            return unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("NpuSdk")).WithAdditionalAnnotations(Formatter.Annotation));
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
