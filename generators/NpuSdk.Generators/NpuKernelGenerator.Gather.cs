using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>Turns one [NpuKernel] method into a <see cref="MethodModel"/>, reporting what its declaration alone gets wrong.</summary>
    private static class Gather
    {
        private const string SessionType = "global::NpuSdk.NpuSession";
        private const string DeviceType = "global::NpuSdk.Device";

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
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || syntax.Body is not null || syntax.ExpressionBody is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.MethodNotPartial, nameLocation, display));
                canEmit = false;
            }

            var types = new List<TypeDeclaration>();
            for (var node = syntax.Parent as TypeDeclarationSyntax; node is not null; node = node.Parent as TypeDeclarationSyntax)
            {
                if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TypeNotPartial, DiagnosticLocation.From(node.Identifier.GetLocation()), node.Identifier.Text, display));
                    canEmit = false;
                }
                types.Insert(0, new TypeDeclaration(Keyword(node), node.Identifier.Text + (node.TypeParameterList?.ToString() ?? "")));
            }
            token.ThrowIfCancellationRequested();

            if (!method.ReturnsVoid || method.IsGenericMethod)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, nameLocation, display,
                    "an [NpuKernel] method returns void and has no type parameters; results go to its Span2D<T> or Span<T> parameters"));
                canEmit = false;
            }

            var parameters = new List<ParameterModel>();
            foreach (var p in method.Parameters)
            {
                var model = Classify(p, parameters.Count == 0);
                if (model is null)
                {
                    var location = DiagnosticLocation.From(p.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation());
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, location, display,
                        $"parameter '{p.Name}' has type {p.Type.ToDisplayString()}; use ReadOnlySpan2D<T>/Span2D<T> for matrices or ReadOnlySpan<T>/Span<T> for vectors, " +
                        "with T one of sbyte, byte, short, int, float, BFloat16 (and an optional leading NpuSession or Device), passed by value"));
                    canEmit = false;
                    continue;
                }
                parameters.Add(model);
            }

            var options = ReadOptions(attribute);
            string ns = method.ContainingNamespace.IsGlobalNamespace ? "" : method.ContainingNamespace.ToDisplayString();
            var model2 = new MethodModel(HintName(method), ns, types.ToEquatableArray(), method.Name, display,
                string.Join(" ", syntax.Modifiers.Select(m => m.Text)), parameters.ToEquatableArray(), options, attributeLocation, canEmit);
            return new Result<MethodModel>(model2, errors.ToImmutable().ToEquatableArray());
        }

        private static string Keyword(TypeDeclarationSyntax node) => node switch
        {
            RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        private static ParameterModel? Classify(IParameterSymbol p, bool first)
        {
            if (p.RefKind != RefKind.None || p.IsParams) return null;
            string typeText = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string name = SyntaxFacts.GetKeywordKind(p.Name) == SyntaxKind.None ? p.Name : "@" + p.Name;
            if (first && typeText == SessionType) return new ParameterModel(name, ParameterKind.Session, "", typeText);
            if (first && typeText == DeviceType) return new ParameterModel(name, ParameterKind.Device, "", typeText);
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
            string? element = ElementType(named.TypeArguments[0]);
            return element is null ? null : new ParameterModel(name, kind.Value, element, typeText);
        }

        private static string? ElementType(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_SByte => "sbyte",
            SpecialType.System_Byte => "byte",
            SpecialType.System_Int16 => "short",
            SpecialType.System_Int32 => "int",
            SpecialType.System_Single => "float",
            _ => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::NpuSdk.BFloat16" ? "global::NpuSdk.BFloat16" : null,
        };

        private static AttributeOptions ReadOptions(AttributeData attribute)
        {
            string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string s ? s : "";
            int tile = 0, timeout = 10_000;
            string? kernel = null, instructions = null;
            var pattern = PatternKind.FromManifest;
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Tile" when named.Value.Value is int t: tile = t; break;
                    case "Kernel": kernel = named.Value.Value as string; break;
                    case "Instructions": instructions = named.Value.Value as string; break;
                    case "Pattern" when named.Value.Value is int p: pattern = (PatternKind)p; break;
                    case "TimeoutMilliseconds" when named.Value.Value is int ms: timeout = ms; break;
                }
            }
            return new AttributeOptions(path, tile, kernel, instructions, pattern, timeout);
        }

        /// <summary><c>{Namespace}.{Type}.{Method}.g.cs</c>; overloads add their position among the overloads so hint names stay unique.</summary>
        private static string HintName(IMethodSymbol method)
        {
            string type = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
                .Replace('<', '{').Replace('>', '}');
            var overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().ToList();
            string suffix = overloads.Count > 1 ? "`" + overloads.IndexOf(method.OriginalDefinition) : "";
            return type + "." + method.Name + suffix + ".g.cs";
        }
    }
}
