using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Analyzers
{
    /// <summary>Where an argument of a call comes from, as the callee's summary needs it.</summary>
    internal enum ArgumentOrigin
    {
        /// <summary>Not followed: a local, an expression.</summary>
        Other,
        /// <summary>A field or property of the object, a static, a constant: the same on every call of the caller.</summary>
        Fixed,
        /// <summary>A parameter of the caller, whose ordinal <see cref="CallEdge.Argument"/> gives.</summary>
        Parameter,
    }

    /// <summary>A call from one method of the compilation to another, with what the caller does around it.</summary>
    internal sealed class CallEdge
    {
        public CallEdge(IMethodSymbol callee, IOperation operation, int loops, bool everyCall,
            ImmutableArray<(ArgumentOrigin Origin, int Parameter)> arguments, Lifetime resultLifetime, bool resultReturned)
        {
            Callee = callee;
            Operation = operation;
            Loops = loops;
            EveryCall = everyCall;
            Arguments = arguments;
            ResultLifetime = resultLifetime;
            ResultReturned = resultReturned;
        }

        public IMethodSymbol Callee { get; }
        public IOperation Operation { get; }
        /// <summary>Loops (and per-element lambdas) around the call in the caller.</summary>
        public int Loops { get; }
        /// <summary>The call runs on every call of the caller: not under a condition, a loop, a lambda or a cache.</summary>
        public bool EveryCall { get; }
        /// <summary>By the callee's parameter ordinal: where the argument comes from (and which caller parameter it is).</summary>
        public ImmutableArray<(ArgumentOrigin Origin, int Parameter)> Arguments { get; }
        /// <summary>How long the caller keeps what the call returns.</summary>
        public Lifetime ResultLifetime { get; }
        /// <summary>The caller returns the result (alone, or inside a tuple or an object it returns).</summary>
        public bool ResultReturned { get; }

        public (ArgumentOrigin Origin, int Parameter) Argument(int ordinal) =>
            ordinal < Arguments.Length ? Arguments[ordinal] : (ArgumentOrigin.Other, -1);
    }
}
