using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Buffers and tensors reached through a member: an auto-property of this object (<c>A</c>) or a field or
    /// auto-property of a local or parameter (<c>bufs.Input</c>, a record of a one-shot GEMM's buffers). The member
    /// stands for its buffer when every access to it in the method goes through the same variable, never assigned
    /// again: then it is one buffer, named as written. A member reached through two objects is not followed.
    /// </summary>
    internal sealed partial class BufferFacts
    {
        private readonly Dictionary<ISymbol, (ISymbol? Root, string Text)> _members = new Dictionary<ISymbol, (ISymbol?, string)>(SymbolEqualityComparer.Default);

        /// <summary>How a buffer is written in the code: its name, or the member access it stands for.</summary>
        public string Display(ISymbol buffer) => _members.TryGetValue(buffer, out var member) ? member.Text : buffer.Name;

        private void GatherMembers(IOperation body)
        {
            var reassigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var ambiguous = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in body.Descendants())
            {
                if (op is IAssignmentOperation { Target: ILocalReferenceOperation or IParameterReferenceOperation } assignment)
                    reassigned.Add(LoopFixes.VariableSymbol(assignment.Target)!);
                if (!(op is IMemberReferenceOperation member) || !IsFollowedMember(member)) continue;
                var instance = member.Instance?.WithoutConversions();
                ISymbol? root;
                string text;
                switch (instance)
                {
                    case null:
                    case IInstanceReferenceOperation _:
                        (root, text) = (null, member.Member.Name);
                        break;
                    case ILocalReferenceOperation _:
                    case IParameterReferenceOperation _:
                        root = LoopFixes.VariableSymbol(instance);
                        text = root!.Name + "." + member.Member.Name;
                        break;
                    default:
                        ambiguous.Add(member.Member);
                        continue;
                }
                if (_members.TryGetValue(member.Member, out var seen) && !SymbolEqualityComparer.Default.Equals(seen.Root, root)) ambiguous.Add(member.Member);
                else _members[member.Member] = (root, text);
            }
            foreach (var pair in _members)
                if (pair.Value.Root is { } root && reassigned.Contains(root)) ambiguous.Add(pair.Key);
            foreach (var member in ambiguous) _members.Remove(member);
        }

        /// <summary>
        /// A buffer or tensor held by a field of another object, or by an auto-property (its value is stored, not
        /// computed on each read); a field of this object is a variable of its own.
        /// </summary>
        private bool IsFollowedMember(IMemberReferenceOperation member)
        {
            if (!IsTracked(member.Type)) return false;
            switch (member)
            {
                case IFieldReferenceOperation field:
                    return field.Instance is not null && !(field.Instance is IInstanceReferenceOperation);
                case IPropertyReferenceOperation property:
                    return property.Arguments.IsEmpty && !_tensors.IsBufferProperty(property.Property) && IsAutoProperty(property.Property);
                default:
                    return false;
            }
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            foreach (var member in property.ContainingType.GetMembers())
                if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property)) return true;
            return false;
        }

        /// <summary>The member a followed member access stands for, or null.</summary>
        private ISymbol? MemberVariable(IOperation? expression) =>
            expression is IMemberReferenceOperation member && _members.ContainsKey(member.Member) ? member.Member : null;
    }
}
