using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Analyzers;

namespace NpuSdk.CodeFixes
{
    /// <summary>
    /// NPU2006: add the missing whole-buffer sync right before the statement that reads or launches (for a tensor, a
    /// sync of its raw buffer: <c>t.Buffer.Sync(...)</c>). In a fix-all pass, a read that an earlier inserted sync of
    /// the same buffer already precedes gets no second one.
    /// </summary>
    /// <remarks>
    /// A raw read of a tensor is not rewritten to CopyTo: CopyTo takes exactly the tensor's elements in its own type,
    /// while the raw buffer holds bytes and the padding past the last row, so the rewrite would change what is read
    /// or throw. The sync keeps the read as written and makes it correct.
    /// </remarks>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingSyncCodeFix)), Shared]
    public sealed class MissingSyncCodeFix : NpuCodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(NpuDiagnostics.MissingSyncId);

        internal override NpuFix? Prepare(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(LoopFixes.BufferKey, out var buffer) || buffer is null
                || !diagnostic.Properties.TryGetValue(LoopFixes.BufferVariableKey, out var variable) || variable is null
                || !diagnostic.Properties.TryGetValue(LoopFixes.DirectionKey, out var direction) || direction is null)
                return null;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!(node.FirstAncestorOrSelf<StatementSyntax>() is { Parent: BlockSyntax or GlobalStatementSyntax } statement)) return null;
            string key = buffer + "." + direction;
            return new NpuFix($"Sync '{buffer}' {(direction == "ToDevice" ? "to" : "from")} the device first", nameof(MissingSyncCodeFix),
                ImmutableArray.Create<SyntaxNode>(statement), current =>
                {
                    if (!(current.GetCurrentNode(statement) is { } anchor) || FixSyntax.InsertedBefore(anchor, key, variable)) return null;
                    return FixSyntax.Insert(current, anchor, FixSyntax.Inserted(FixSyntax.Statement($"{buffer}.Sync(NpuSdk.Xrt.SyncDirection.{direction});"), key), before: true);
                });
        }
    }
}
