using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Analyzers
{
    /// <summary>What a method of another type opens on every call, and which of its parameters the opened thing depends on.</summary>
    internal sealed class OpenedSetup
    {
        public OpenedSetup(string what, IOperation operation, HashSet<int> fixedParameters)
        {
            What = what;
            Operation = operation;
            FixedParameters = fixedParameters;
        }

        /// <summary>"'Device.Open' in 'NpuSession'", for the message.</summary>
        public string What { get; }
        /// <summary>The open itself (in whichever method of the chain it is).</summary>
        public IOperation Operation { get; }
        /// <summary>The parameters whose arguments must be the same on every call for the call to re-open the same thing.</summary>
        public HashSet<int> FixedParameters { get; }
    }

    /// <summary>
    /// What one call of a method of this compilation does, through everything it calls in the compilation (any type):
    /// the facts the loop rules need to judge a call in a loop as they judge the SDK calls written in the loop itself.
    /// "Does" facts hold on some path through the method's own code and its callees; <see cref="Opaque"/> says it also
    /// runs code that cannot be followed (a delegate, an interface with no implementation here), which may do anything.
    /// </summary>
    internal sealed class MethodSummary
    {
        public static readonly MethodSummary Nothing = new MethodSummary();
        public static readonly MethodSummary Unknown = new MethodSummary { Opaque = true };

        /// <summary>Starts runs (Kernel.Start, Run.Start, RunList.Execute, a generated kernel call).</summary>
        public bool Launches { get; set; }
        /// <summary>Waits for a run or a run list (or calls a generated kernel method, which waits for its runs).</summary>
        public bool Waits { get; set; }
        /// <summary>Syncs a buffer (or a tensor) in either direction.</summary>
        public bool Syncs { get; set; }
        /// <summary>Reads results from the device: a read, a sync from the device, a copy out of mapped memory.</summary>
        public bool ReadsBack { get; set; }
        /// <summary>Runs code that cannot be followed: it may launch, wait or sync anything.</summary>
        public bool Opaque { get; set; }

        /// <summary>The first launch reached (for a message and its location), or null.</summary>
        public IOperation? Launch { get; set; }
        /// <summary>The first wait reached, or null.</summary>
        public IOperation? Wait { get; set; }
        /// <summary>The most loops around a launch, inside this method and its callees (0 when it launches outside any loop).</summary>
        public int LaunchLoops { get; set; }

        /// <summary>A sync of a buffer that is the same on every call: a field or property of the object, a static, or one the call allocates.</summary>
        public IOperation? FixedSync { get; set; }
        /// <summary>Syncs of a buffer passed in as a parameter (by ordinal): the same on every call when the argument is.</summary>
        public ImmutableDictionary<int, IOperation> ParameterSyncs { get; set; } = ImmutableDictionary<int, IOperation>.Empty;

        /// <summary>A buffer allocated on every call and dropped before the call returns (in this method or a callee).</summary>
        public IOperation? DroppedAllocation { get; set; }
        /// <summary>A buffer allocated on every call and returned: the caller decides whether it is kept.</summary>
        public IOperation? ReturnedAllocation { get; set; }
        /// <summary>A device, xclbin, context or kernel opened on every call, or null.</summary>
        public OpenedSetup? Setup { get; set; }

        /// <summary>Returns a run it started (alone, or inside a tuple or an object it returns).</summary>
        public bool ReturnsStartedRun { get; set; }
        /// <summary>Parameters (by ordinal) whose run (or a run they hold: p.Run, p.Item1) the method waits for.</summary>
        public ImmutableHashSet<int> WaitedParameters { get; set; } = ImmutableHashSet<int>.Empty;
        /// <summary>Every value it returns is kept across calls (a field, a cache entry): the same object for the same inputs.</summary>
        public bool ReturnsKept { get; set; }
        /// <summary>
        /// Reads state before its first launch that it overwrites with results after its wait: a field, or an array passed
        /// in (by parameter ordinal). Called in a loop, each call feeds the next, as a layer does.
        /// </summary>
        public bool CarriesFieldState { get; set; }
        public ImmutableHashSet<int> CarriedParameters { get; set; } = ImmutableHashSet<int>.Empty;

        /// <summary>Span parameters (by ordinal) the method writes through: host writes into mapped memory passed to it.</summary>
        public ImmutableHashSet<int> WrittenSpans { get; set; } = ImmutableHashSet<int>.Empty;
        /// <summary>Span parameters (by ordinal) the method reads through.</summary>
        public ImmutableHashSet<int> ReadSpans { get; set; } = ImmutableHashSet<int>.Empty;
        /// <summary>Span parameters (by ordinal) used in a way not followed (sliced, stored, returned): anything may happen to them.</summary>
        public ImmutableHashSet<int> UnknownSpans { get; set; } = ImmutableHashSet<int>.Empty;

        /// <summary>May sync a buffer, directly, through a launch (a generated kernel call syncs), or through code not followed.</summary>
        public bool MaySync => Syncs || Launches || Opaque;

        /// <summary>May start runs, directly or through code not followed.</summary>
        public bool MayLaunch => Launches || Opaque;

        /// <summary>Starts runs and waits for them before it returns: a whole launch, one per call.</summary>
        public bool LaunchesAndWaits => Launches && Waits;

        public MethodSummary Clone() => (MethodSummary)MemberwiseClone();

        /// <summary>What this method reaches through another it may run: the other's work is its work too.</summary>
        public void AddReach(MethodSummary other)
        {
            Launches |= other.Launches;
            Waits |= other.Waits;
            Syncs |= other.Syncs;
            ReadsBack |= other.ReadsBack;
            Opaque |= other.Opaque;
            Launch ??= other.Launch;
            Wait ??= other.Wait;
            DroppedAllocation ??= other.DroppedAllocation;
        }
    }
}
