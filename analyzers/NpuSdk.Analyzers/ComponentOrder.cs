using System;
using System.Collections.Generic;
using System.Threading;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The strongly connected components of a graph (Tarjan's algorithm with an explicit stack), each listed after
    /// every component it reaches. The call-graph questions (how deep callers nest a method, what a method reaches
    /// through its callees) are answered over components in that order: one pass, each edge looked at once, and a
    /// chain of any length (20,000 helpers each calling the next) uses no stack beyond the list it builds.
    /// </summary>
    internal static class ComponentOrder
    {
        public static List<List<T>> Of<T>(IEnumerable<T> roots, Func<T, IEnumerable<T>> successors, IEqualityComparer<T> comparer,
            CancellationToken cancellationToken) where T : notnull
        {
            var components = new List<List<T>>();
            var index = new Dictionary<T, int>(comparer);
            var lowLink = new Dictionary<T, int>(comparer);
            var onStack = new HashSet<T>(comparer);
            var pending = new Stack<T>();
            var work = new Stack<(T Node, IEnumerator<T> Next)>();
            foreach (var root in roots)
            {
                if (index.ContainsKey(root)) continue;
                Enter(root);
                while (work.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (node, next) = work.Peek();
                    if (next.MoveNext())
                    {
                        var successor = next.Current;
                        if (!index.ContainsKey(successor)) Enter(successor);
                        else if (onStack.Contains(successor)) lowLink[node] = Math.Min(lowLink[node], index[successor]);
                        continue;
                    }
                    work.Pop();
                    if (work.Count > 0)
                    {
                        var caller = work.Peek().Node;
                        lowLink[caller] = Math.Min(lowLink[caller], lowLink[node]);
                    }
                    if (lowLink[node] != index[node]) continue;
                    var component = new List<T>();
                    T member;
                    do
                    {
                        member = pending.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (!comparer.Equals(member, node));
                    components.Add(component);
                }
            }
            return components;

            void Enter(T node)
            {
                index[node] = lowLink[node] = index.Count;
                pending.Push(node);
                onStack.Add(node);
                work.Push((node, successors(node).GetEnumerator()));
            }
        }
    }
}
