using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What an NPU runtime call does, as far as the rules care.</summary>
    internal enum NpuCallKind
    {
        None,
        /// <summary>Run.Start, Kernel.Start or RunList.Execute: work submitted to the NPU.</summary>
        Launch,
        /// <summary>Run.Wait (either overload).</summary>
        RunWait,
        /// <summary>RunList.Wait.</summary>
        RunListWait,
        /// <summary>Bo.Sync (either overload).</summary>
        Sync,
        /// <summary>new Bo(...): a buffer or a sub-buffer.</summary>
        BufferAllocation,
        /// <summary>Device.Open, Device.RegisterXclbin, new HwContext, new Kernel.</summary>
        Setup,
        /// <summary>Bo.Map / Bo.Map&lt;T&gt;.</summary>
        Map,
        /// <summary>Bo.Write.</summary>
        HostWrite,
        /// <summary>Bo.Read.</summary>
        HostRead,
        /// <summary>Run.SetArg.</summary>
        SetArg,
        /// <summary>RunList.Add.</summary>
        RunListAdd,
    }

    /// <summary>
    /// The runtime types, resolved once per compilation by metadata name. Null when the compilation does
    /// not reference the SDK runtime, in which case no rule runs.
    /// </summary>
    internal sealed class NpuTypes
    {
        private NpuTypes(Compilation compilation, INamedTypeSymbol device, INamedTypeSymbol bo, INamedTypeSymbol run,
            INamedTypeSymbol runList, INamedTypeSymbol kernel, INamedTypeSymbol hwContext, INamedTypeSymbol commandState)
        {
            Compilation = compilation;
            Device = device;
            Bo = bo;
            Run = run;
            RunList = runList;
            Kernel = kernel;
            HwContext = hwContext;
            CommandState = commandState;
        }

        public Compilation Compilation { get; }
        public INamedTypeSymbol Device { get; }
        public INamedTypeSymbol Bo { get; }
        public INamedTypeSymbol Run { get; }
        public INamedTypeSymbol RunList { get; }
        public INamedTypeSymbol Kernel { get; }
        public INamedTypeSymbol HwContext { get; }
        public INamedTypeSymbol CommandState { get; }

        public static NpuTypes? Resolve(Compilation compilation)
        {
            var device = compilation.GetTypeByMetadataName("NpuSdk.Device");
            var bo = compilation.GetTypeByMetadataName("NpuSdk.Xrt.Bo");
            var run = compilation.GetTypeByMetadataName("NpuSdk.Xrt.Run");
            var runList = compilation.GetTypeByMetadataName("NpuSdk.Xrt.RunList");
            var kernel = compilation.GetTypeByMetadataName("NpuSdk.Xrt.Kernel");
            var hwContext = compilation.GetTypeByMetadataName("NpuSdk.Xrt.HwContext");
            var commandState = compilation.GetTypeByMetadataName("NpuSdk.Xrt.CommandState");
            if (device is null || bo is null || run is null || runList is null || kernel is null || hwContext is null
                || commandState is null)
                return null;
            return new NpuTypes(compilation, device, bo, run, runList, kernel, hwContext, commandState);
        }

        /// <summary>Classifies an invocation or object creation; None for anything that is not an SDK call the rules know.</summary>
        public NpuCallKind Classify(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    return Classify(invocation.TargetMethod);
                case IObjectCreationOperation creation when creation.Constructor is { } ctor:
                    var type = ctor.ContainingType;
                    if (Is(type, Bo)) return NpuCallKind.BufferAllocation;
                    if (Is(type, HwContext) || Is(type, Kernel)) return NpuCallKind.Setup;
                    return NpuCallKind.None;
                default:
                    return NpuCallKind.None;
            }
        }

        private NpuCallKind Classify(IMethodSymbol method)
        {
            var type = method.ContainingType;
            var name = method.Name;
            if (Is(type, Run))
            {
                switch (name)
                {
                    case "Start": return NpuCallKind.Launch;
                    case "Wait": return NpuCallKind.RunWait;
                    case "SetArg": return NpuCallKind.SetArg;
                }
            }
            else if (Is(type, Kernel))
            {
                if (name == "Start") return NpuCallKind.Launch;
            }
            else if (Is(type, RunList))
            {
                switch (name)
                {
                    case "Execute": return NpuCallKind.Launch;
                    case "Wait": return NpuCallKind.RunListWait;
                    case "Add": return NpuCallKind.RunListAdd;
                }
            }
            else if (Is(type, Bo))
            {
                switch (name)
                {
                    case "Sync": return NpuCallKind.Sync;
                    case "Map": return NpuCallKind.Map;
                    case "Write": return NpuCallKind.HostWrite;
                    case "Read": return NpuCallKind.HostRead;
                }
            }
            else if (Is(type, Device))
            {
                if (name == "Open" || name == "RegisterXclbin") return NpuCallKind.Setup;
            }
            return NpuCallKind.None;
        }

        /// <summary>True when the type is the SDK's Bo.</summary>
        public bool IsBo(ITypeSymbol? type) => type is not null && Is(type, Bo);

        /// <summary>True when the type is the expected one or constructed from it; false when the expected type is not there.</summary>
        internal static bool Is(ITypeSymbol type, INamedTypeSymbol? expected) =>
            expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);
    }
}
