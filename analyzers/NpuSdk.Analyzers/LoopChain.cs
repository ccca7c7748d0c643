using System.Collections;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The loops and per-element lambdas around an operation, innermost first. A persistent list: every operation
    /// inside the same loops shares one chain, so recording the loops of each call site costs nothing per loop, however
    /// deep the nest.
    /// </summary>
    internal sealed class LoopChain : IEnumerable<IOperation>
    {
        public static readonly LoopChain Empty = new LoopChain(null, null, 0);

        private readonly IOperation? _loop;

        private LoopChain(IOperation? loop, LoopChain? outer, int length)
        {
            _loop = loop;
            Outer = outer;
            Length = length;
        }

        /// <summary>The loops around the innermost one (null for the empty chain).</summary>
        public LoopChain? Outer { get; }

        public int Length { get; }

        public bool IsEmpty => Length == 0;

        /// <summary>The innermost loop or per-element lambda; only for a chain that is not empty.</summary>
        public IOperation Innermost => _loop!;

        public LoopChain Push(IOperation loop) => new LoopChain(loop, this, Length + 1);

        /// <summary>The statement loops a fix may move code across: those inside the innermost per-element lambda, innermost first.</summary>
        public IEnumerable<ILoopOperation> Statements()
        {
            for (var chain = this; !chain.IsEmpty && chain._loop is ILoopOperation loop; chain = chain.Outer!) yield return loop;
        }

        /// <summary>The innermost loop when it is a statement loop (a fix can move code out of it), else null.</summary>
        public ILoopOperation? InnermostStatement => _loop as ILoopOperation;

        public IEnumerator<IOperation> GetEnumerator()
        {
            for (var chain = this; !chain.IsEmpty; chain = chain.Outer!) yield return chain._loop!;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
