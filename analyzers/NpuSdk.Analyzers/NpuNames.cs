using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>How the messages name an SDK call.</summary>
    internal static class NpuNames
    {
        /// <summary>"'new Kernel(...)'" or "'Device.Open'".</summary>
        public static string Setup(IOperation setup) => setup switch
        {
            IObjectCreationOperation creation => "'new " + creation.Type!.Name + "(...)'",
            IInvocationOperation invocation => "'" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "'",
            _ => setup.Syntax.ToString(),
        };

        /// <summary>"kernel.Start", "runs.Execute": the receiver as written and the method.</summary>
        public static string Launch(IInvocationOperation launch) =>
            (launch.Instance?.Syntax.ToString() ?? launch.TargetMethod.ContainingType.Name) + "." + launch.TargetMethod.Name;

        /// <summary>"'TileRunner.Execute'": a method of the compilation, by its type and name.</summary>
        public static string Method(IMethodSymbol method) =>
            "'" + method.ContainingType.Name + "." + (method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : (method.AssociatedSymbol ?? method).Name) + "'";
    }
}
