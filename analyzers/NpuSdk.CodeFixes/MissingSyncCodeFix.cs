using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>NPU2006: add the missing whole-buffer sync right before the statement that reads or launches.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingSyncCodeFix)), Shared]
    public sealed class MissingSyncCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.MissingSyncId);

        /// <inheritdoc/>
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue("NpuBuffer", out var buffer) || buffer is null
                || !diagnostic.Properties.TryGetValue(LoopFixes.DirectionKey, out var direction) || direction is null)
                return;
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!(node?.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax or GlobalStatementSyntax } statement)) return;
            context.RegisterCodeFix(
                CodeAction.Create($"Sync '{buffer}' {(direction == "ToDevice" ? "to" : "from")} the device first",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(FixSyntax.Insert(root!, statement,
                        FixSyntax.Statement($"{buffer}.Sync(NpuSdk.SyncDirection.{direction});"), before: true))),
                    nameof(MissingSyncCodeFix)),
                diagnostic);
        }
    }
}
