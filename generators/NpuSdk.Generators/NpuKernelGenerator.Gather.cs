using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Emit;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>Turns one [NpuKernel] method into a <see cref="MethodModel"/>, reporting what its declaration alone gets wrong.</summary>
    private static class Gather
    {
        private const string SessionType = "global::NpuSdk.NpuSession";
        private const string DeviceType = "global::NpuSdk.Device";
        private const string OverloadPriorityAttribute = "System.Runtime.CompilerServices.OverloadResolutionPriorityAttribute";

        /// <summary>The oldest language version the generated code compiles with (partial methods with modifiers).</summary>
        internal const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp9;

        public static Result<MethodModel> Run(GeneratorAttributeSyntaxContext context, CancellationToken token)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var attribute = context.Attributes[0];
            var errors = ImmutableArray.CreateBuilder<DiagnosticInfo>();
            var attributeLocation = DiagnosticLocation.From(attribute.ApplicationSyntaxReference?.GetSyntax(token).GetLocation() ?? syntax.Identifier.GetLocation());
            var nameLocation = DiagnosticLocation.From(syntax.Identifier.GetLocation());
            string display = method.ContainingType.Name + "." + method.Name;

            bool canEmit = true;
            if (syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: var version } && version < MinimumLanguageVersion)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.LanguageVersionTooOld, attributeLocation, display, version.ToDisplayString()));
                canEmit = false;
            }
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || syntax.Body is not null || syntax.ExpressionBody is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.MethodNotPartial, nameLocation, display, "it is not a 'partial' method without a body; declare it so"));
                canEmit = false;
            }
            else if (method.PartialImplementationPart is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.MethodNotPartial, nameLocation, display, "it already has an implementation written by hand; remove that body so the generator can write it"));
                canEmit = false;
            }
            if (syntax.Modifiers.Any(SyntaxKind.AsyncKeyword) || syntax.Modifiers.Any(SyntaxKind.ExternKeyword))
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.SignatureNotSupported, nameLocation, display, "an [NpuKernel] method is neither async nor extern; the generated body runs the kernel synchronously (the generated {Name}Async forms are the asynchronous ones)"));
                canEmit = false;
            }

            var types = new List<TypeDeclaration>();
            for (var node = syntax.Parent as TypeDeclarationSyntax; node is not null; node = node.Parent as TypeDeclarationSyntax)
            {
                if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TypeNotPartial, DiagnosticLocation.From(node.Identifier.GetLocation()), node.Identifier.ValueText, display, "it is not partial; declare it (and every type around it) 'partial'"));
                    canEmit = false;
                }
                else if (node.Modifiers.Any(SyntaxKind.FileKeyword))
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TypeNotPartial, DiagnosticLocation.From(node.Identifier.GetLocation()), node.Identifier.ValueText, display,
                        "it is a 'file' type, whose parts must all be in one file, so the generated part cannot join it; declare it 'internal' instead"));
                    canEmit = false;
                }
                // The type's name as its declaration spells it (with any '@' or \u escape), valid wherever that is.
                types.Insert(0, new TypeDeclaration(Keyword(node), node.Identifier.Text + TypeParameters(node)));
            }
            token.ThrowIfCancellationRequested();

            if (!method.ReturnsVoid || method.IsGenericMethod)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.SignatureNotSupported, nameLocation, display,
                    "an [NpuKernel] method returns void and has no type parameters; results go to its Span2D<T> or Span<T> parameters"));
                canEmit = false;
            }

            var parameters = new List<ParameterModel>();
            foreach (var p in method.Parameters)
            {
                var model = Classify(p, parameters.Count == 0, method.IsExtensionMethod && p.Ordinal == 0, out string? why);
                if (model is null || (model.IsBuffer && parameters.Any(q => q.Kind == ParameterKind.Scalar)))
                {
                    var location = DiagnosticLocation.From(p.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation());
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, location, display, why ??
                        $"parameter '{p.Name}' is a buffer after a scalar parameter; scalars (int, uint, long, ulong, float) come after every buffer"));
                    canEmit = false;
                    continue;
                }
                parameters.Add(model);
            }

            var options = ReadOptions(attribute);
            string ns = Namespace(method.ContainingNamespace);
            if (options.TimeoutMilliseconds <= 0)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TimeoutNotPositive, attributeLocation, display, options.TimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                canEmit = false;
            }
            // The asynchronous overloads are named {Name}Async, unless the type already has a member of that name.
            string asyncName = method.Name + "Async";
            string? asyncIdentifier = method.ContainingType.GetMembers(asyncName).IsEmpty && method.ContainingType.GetTypeMembers(asyncName).IsEmpty
                ? CSharpText.Identifier(asyncName) : null;
            // The span form and the tensor form share a name, so an argument written new(...) fits both (CS0121): where the
            // language and framework have OverloadResolutionPriority (C# 13, .NET 9), the span form is preferred.
            bool prefersSpans = syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp13 }
                && context.SemanticModel.Compilation.GetTypeByMetadataName(OverloadPriorityAttribute) is { } priority
                && context.SemanticModel.Compilation.IsSymbolAccessibleWithin(priority, context.SemanticModel.Compilation.Assembly);
            var model2 = new MethodModel(method.GetDocumentationCommentId() ?? display, HintName(method), ns, types.ToEquatableArray(), CSharpText.Identifier(method.Name), display,
                string.Join(" ", syntax.Modifiers.Select(m => m.Text)), parameters.ToEquatableArray(), options, attributeLocation, DescriptorField(method), asyncIdentifier, canEmit, prefersSpans);
            return new Result<MethodModel>(model2, errors.ToImmutable().ToEquatableArray());
        }

        private static string Keyword(TypeDeclarationSyntax node) => node switch
        {
            RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax s => s.Modifiers.Any(SyntaxKind.RefKeyword) ? "ref struct" : "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        // Names and variance only: attributes on type parameters must not be repeated by a second partial part.
        private static string TypeParameters(TypeDeclarationSyntax node)
        {
            if (node.TypeParameterList is not { } list) return "";
            return "<" + string.Join(", ", list.Parameters.Select(p =>
                (p.VarianceKeyword.IsKind(SyntaxKind.None) ? "" : p.VarianceKeyword.Text + " ") + p.Identifier.Text)) + ">";
        }

        private static ParameterModel? Classify(IParameterSymbol p, bool first, bool isThis, out string? why)
        {
            string name = CSharpText.Identifier(p.Name);
            string modifiers = (isThis ? "this " : "") + (p.ScopedKind == ScopedKind.ScopedValue ? "scoped " : "");
            why = $"parameter '{p.Name}' has type {p.Type.ToDisplayString()}; use ReadOnlySpan2D<T>/Span2D<T> for matrices or ReadOnlySpan<T>/Span<T> for vectors, " +
                  "with T one of sbyte, byte, short, int, float, BFloat16, then int, uint, long, ulong or float scalars (and an optional leading NpuSession or Device), passed by value";
            if (p.RefKind != RefKind.None || p.IsParams) return null;
            string typeText = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (first && typeText == SessionType) return new ParameterModel(name, ParameterKind.Session, null, null, typeText, modifiers);
            if (first && typeText == DeviceType) return new ParameterModel(name, ParameterKind.Device, null, null, typeText, modifiers);
            ScalarType? scalar = p.Type.SpecialType switch
            {
                SpecialType.System_Int32 => ScalarType.Int32,
                SpecialType.System_UInt32 => ScalarType.UInt32,
                SpecialType.System_Int64 => ScalarType.Int64,
                SpecialType.System_UInt64 => ScalarType.UInt64,
                SpecialType.System_Single => ScalarType.Float32,
                _ => null,
            };
            if (scalar is not null) return new ParameterModel(name, ParameterKind.Scalar, null, scalar, typeText, modifiers);
            if (p.Type is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named) return null;
            var kind = named.ConstructedFrom.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) switch
            {
                "global::NpuSdk.ReadOnlySpan2D<T>" => ParameterKind.Input2D,
                "global::NpuSdk.Span2D<T>" => ParameterKind.Output2D,
                "global::System.ReadOnlySpan<T>" => ParameterKind.Input1D,
                "global::System.Span<T>" => ParameterKind.Output1D,
                _ => (ParameterKind?)null,
            };
            if (kind is null) return null;
            var element = ElementOf(named.TypeArguments[0]);
            return element is null ? null : new ParameterModel(name, kind.Value, element, null, typeText, modifiers);
        }

        private static ElementType? ElementOf(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_SByte => ElementType.Int8,
            SpecialType.System_Byte => ElementType.UInt8,
            SpecialType.System_Int16 => ElementType.Int16,
            SpecialType.System_Int32 => ElementType.Int32,
            SpecialType.System_Single => ElementType.Float32,
            _ => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::NpuSdk.BFloat16" ? ElementType.BFloat16 : null,
        };

        private static AttributeOptions ReadOptions(AttributeData attribute)
        {
            string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string s ? s : "";
            int tile = 0, timeout = 10_000;
            string? kernel = null, instructions = null;
            var pattern = NpuPattern.FromManifest;
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Tile" when named.Value.Value is int t: tile = t; break;
                    case "Kernel": kernel = named.Value.Value as string; break;
                    case "Instructions": instructions = named.Value.Value as string; break;
                    case "Pattern" when named.Value.Value is int p: pattern = (NpuPattern)p; break;
                    case "TimeoutMilliseconds" when named.Value.Value is int ms: timeout = ms; break;
                }
            }
            return new AttributeOptions(path, tile, kernel, instructions, pattern, timeout);
        }

        private static string Namespace(INamespaceSymbol ns)
        {
            var parts = new List<string>();
            for (var n = ns; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace) parts.Insert(0, CSharpText.Identifier(n.Name));
            return string.Join(".", parts);
        }

        /// <summary>
        /// The base of the hint name: namespace, types and method by their metadata names, with an overload's position,
        /// in the characters AddSource accepts. The generator makes it unique across the project afterwards.
        /// </summary>
        private static string HintName(IMethodSymbol method)
        {
            var parts = new List<string>();
            for (var t = method.ContainingType; t is not null; t = t.ContainingType) parts.Insert(0, t.MetadataName);
            for (var n = method.ContainingNamespace; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace) parts.Insert(0, n.Name);
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().ToList();
            string name = method.Name + (overloads.Count > 1 ? "_" + overloads.IndexOf(method.OriginalDefinition) : "");
            parts.Add(name);
            var text = new StringBuilder();
            foreach (char c in string.Join(".", parts))
                text.Append(char.IsLetterOrDigit(c) && c < 128 || c is '.' or '_' or '-' ? c : '_');
            return text.ToString();
        }

        /// <summary>The static field holding the method's descriptor: a name no member of the type already has.</summary>
        private static string DescriptorField(IMethodSymbol method)
        {
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().ToList();
            string name = "__NpuKernel_" + method.Name + "_" + overloads.IndexOf(method.OriginalDefinition);
            var taken = new HashSet<string>(method.ContainingType.GetMembers().Select(m => m.Name).Concat(method.ContainingType.GetTypeMembers().Select(t => t.Name)));
            // Generated names end in a digit; a user's member that takes one is stepped around by trailing underscores.
            while (taken.Contains(name)) name += "_";
            return name;
        }
    }
}
