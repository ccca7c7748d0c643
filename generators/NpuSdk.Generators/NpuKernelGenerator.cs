using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators;

/// <summary>
/// Writes the bodies of <c>[NpuKernel]</c> partial methods: shape checks, a pooled launch plan per shape,
/// packing into mapped device memory, one sync per buffer, one run-list submission, one wait, unpacking.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NpuKernelGenerator : IIncrementalGenerator
{
    /// <summary>The attribute the generator binds, by metadata name.</summary>
    public const string AttributeMetadataName = "NpuSdk.NpuKernelAttribute";

    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Each [NpuKernel] method gathered from syntax and symbols.</summary>
        public const string Methods = nameof(Methods);
        /// <summary>Each xclbin, instruction stream or manifest among AdditionalFiles.</summary>
        public const string KernelFiles = nameof(KernelFiles);
        /// <summary>Each method bound to its files.</summary>
        public const string Execute = nameof(Execute);
        /// <summary>The diagnostics of each method.</summary>
        public const string Diagnostics = nameof(Diagnostics);
        /// <summary>The source model of each method that can be generated.</summary>
        public const string Output = nameof(Output);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider.ForAttributeWithMetadataName(
                AttributeMetadataName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                static (ctx, token) => Gather.Run(ctx, token))
            .WithTrackingName(TrackingNames.Methods);

        var files = context.AdditionalTextsProvider
            .Where(static text => Files.IsKernelFile(text))
            .Select(static (text, token) => Files.Read(text, token))
            .WithTrackingName(TrackingNames.KernelFiles)
            .Collect();

        var bound = methods.Combine(files)
            .Select(static (pair, token) => Bind.Run(pair.Left, pair.Right, token))
            .WithTrackingName(TrackingNames.Execute);

        // Diagnostics and sources are separate branches: a moved diagnostic never re-emits code, and code
        // that did not change is not re-emitted because a diagnostic did.
        var diagnostics = bound.Select(static (result, _) => result.Errors).WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, errors) =>
        {
            foreach (var error in errors) spc.ReportDiagnostic(error.ToDiagnostic());
        });

        var sources = bound.Where(static result => result.Value is not null)
            .Select(static (result, _) => result.Value!)
            .WithTrackingName(TrackingNames.Output);
        context.RegisterSourceOutput(sources, static (spc, model) => spc.AddSource(model.HintName, Emit.KernelMethodWriter.Write(model)));
    }
}
