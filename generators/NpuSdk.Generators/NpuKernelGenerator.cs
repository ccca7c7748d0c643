using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators;

/// <summary>
/// Writes the bodies of <c>[NpuKernel]</c> partial methods: a static descriptor of the binding (xclbin, kernel,
/// manifest, parameters) checked against the kernel model at compile time, and one call into the runtime, which owns
/// the launch. Anything that cannot work is a diagnostic; the generator itself never throws.
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
        /// <summary>Each [NpuKernel] on a local function or lambda, which gets NPU1011.</summary>
        public const string NotAMethod = nameof(NotAMethod);
        /// <summary>The project's distinct xclbins against the targeted NPU's context budget (NPU1017).</summary>
        public const string Budget = nameof(Budget);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider.ForAttributeWithMetadataName(
                AttributeMetadataName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, token) => Guard(token, () => Gather.Run(ctx, token), ctx.TargetNode.GetLocation(), ctx.TargetSymbol.Name))
            .WithTrackingName(TrackingNames.Methods);

        var files = context.AdditionalTextsProvider
            .Where(static text => Files.IsKernelFile(text))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, token) => Files.Read(pair.Left, pair.Right, token))
            .WithTrackingName(TrackingNames.KernelFiles)
            .Collect();

        var bound = methods.Combine(files)
            .Select(static (pair, token) => pair.Left.Value is { } method
                ? Guard(token, () => Binding.Binder.Run(pair.Left!, pair.Right, token), method.AttributeLocation, method.DisplayName)
                : new Result<KernelSourceModel?>(null, pair.Left.Errors))
            .WithTrackingName(TrackingNames.Execute);

        // Diagnostics and sources are separate branches: a moved diagnostic never re-emits code, and code
        // that did not change is not re-emitted because a diagnostic did.
        var diagnostics = bound.Select(static (result, _) => result.Errors).WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, errors) =>
        {
            foreach (var error in errors) spc.ReportDiagnostic(error.ToDiagnostic());
        });

        // One hardware context per distinct xclbin: more than the targeted NPU allows at once is a warning on the project.
        var budget = bound.Select(static (result, _) => result.Value is { } m ? new BoundXclbin(m.XclbinPath, m.SortKey) : null).Collect()
            .Combine(methods.Select(static (result, _) => result.Value is { } m ? new MethodSite(m.SortKey, m.AttributeLocation) : null).Collect())
            .Combine(context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
                options.GlobalOptions.TryGetValue(Budget.ProfileProperty, out var profile) ? profile : null))
            .Select(static (input, _) => Budget.Check(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Budget);
        context.RegisterSourceOutput(budget, static (spc, errors) =>
        {
            foreach (var error in errors) spc.ReportDiagnostic(error.ToDiagnostic());
        });

        // The attribute is allowed on local functions and lambdas (AttributeTargets.Method), but those cannot be
        // partial, so there is nothing to implement: say so rather than leave the attribute silently ignored.
        var notMethods = context.SyntaxProvider.ForAttributeWithMetadataName(
                AttributeMetadataName,
                static (node, _) => node is LocalFunctionStatementSyntax or LambdaExpressionSyntax,
                static (ctx, _) => NotAMethod(ctx))
            .WithTrackingName(TrackingNames.NotAMethod);
        context.RegisterSourceOutput(notMethods, static (spc, error) => spc.ReportDiagnostic(error.ToDiagnostic()));

        var sources = bound.Where(static result => result.Value is not null)
            .Select(static (result, token) => Guard(token, () => new Result<GeneratedSource?>(
                    new GeneratedSource(result.Value!.SortKey, result.Value.HintName, Emit.KernelMethodWriter.Write(result.Value)), EquatableArray<DiagnosticInfo>.Empty),
                DiagnosticLocation.None, result.Value!.DisplayName))
            .WithTrackingName(TrackingNames.Output)
            .Collect();
        context.RegisterSourceOutput(sources, static (spc, all) =>
        {
            // Hint names are compared without regard to case, so MatMul and matMul (or namespaces D.x and D.X) need
            // distinct names: in a stable order, a name already taken gets a number.
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var result in all.OrderBy(r => r.Value?.SortKey, StringComparer.Ordinal))
            {
                foreach (var error in result.Errors) spc.ReportDiagnostic(error.ToDiagnostic());
                if (result.Value is not { } source) continue;
                string hint = source.HintName;
                for (int n = 2; !taken.Add(hint); n++) hint = source.HintName + "_" + n;
                spc.AddSource(hint + ".g.cs", source.Text);
            }
        });
    }

    /// <summary>Runs a pipeline step; an exception from a bug becomes NPU1015 on the method instead of CS8785 on the project.</summary>
    private static Result<T> Guard<T>(CancellationToken token, Func<Result<T>> step, Location location, string method) =>
        Guard(token, step, DiagnosticLocation.From(location), method);

    private static Result<T> Guard<T>(CancellationToken token, Func<Result<T>> step, DiagnosticLocation location, string method)
    {
        try
        {
            return step();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return new Result<T>(default!, ImmutableArray.Create(DiagnosticInfo.Create(NpuDiagnostics.GeneratorFailed, location, method, $"{e.GetType().Name}: {e.Message}")).ToEquatableArray());
        }
    }

    private static DiagnosticInfo NotAMethod(GeneratorAttributeSyntaxContext context)
    {
        var attribute = context.Attributes[0].ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? context.TargetNode.GetLocation();
        string what = context.TargetNode is LocalFunctionStatementSyntax local ? $"local function '{local.Identifier.Text}'" : "a lambda";
        return DiagnosticInfo.Create(NpuDiagnostics.NotAMethod, DiagnosticLocation.From(attribute), what);
    }
}

/// <summary>One generated file: its sort key (the method's documentation id), base hint name and text.</summary>
internal sealed record GeneratedSource(string SortKey, string HintName, string Text);
