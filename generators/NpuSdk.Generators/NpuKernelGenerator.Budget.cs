using System;
using System.Collections.Immutable;
using System.Linq;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>
    /// The project's context budget: one hardware context per distinct xclbin its [NpuKernel] methods bind, against what
    /// the NPU it targets allows alive at once (<c>NpuSdkDeviceProfile</c>, npu1 by default, the tighter), so a user learns
    /// at build time that a program cycling through them will evict and reopen contexts.
    /// </summary>
    private static class Budget
    {
        /// <summary>The MSBuild property naming the NPU generation the project targets, as the generator sees it.</summary>
        public const string ProfileProperty = "build_property.NpuSdkDeviceProfile";

        /// <summary>
        /// NPU1017 when the methods bind more distinct xclbins than the generation's budget, on the attribute of the first
        /// method (in declaration-id order) of the first xclbin past it; NPU1018 when the property names no generation.
        /// </summary>
        public static EquatableArray<DiagnosticInfo> Check(ImmutableArray<BoundXclbin?> bound, ImmutableArray<MethodSite?> sites, string? profile)
        {
            var generation = string.IsNullOrWhiteSpace(profile) ? DeviceGeneration.Npu1 : DeviceGeneration.FromName(profile);
            var location = sites.FirstOrDefault(s => s is not null)?.Location ?? DiagnosticLocation.None;
            if (generation is null)
                return ImmutableArray.Create(DiagnosticInfo.Create(NpuDiagnostics.DeviceProfileUnknown, location, profile!.Trim())).ToEquatableArray();

            var xclbins = bound.Where(b => b is not null).Select(b => b!)
                .GroupBy(b => b.XclbinPath, StringComparer.OrdinalIgnoreCase)
                .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (xclbins.Count <= generation.ContextBudget) return EquatableArray<DiagnosticInfo>.Empty;

            string first = xclbins[generation.ContextBudget].OrderBy(b => b.SortKey, StringComparer.Ordinal).First().SortKey;
            var at = sites.FirstOrDefault(s => s?.SortKey == first)?.Location ?? location;
            return ImmutableArray.Create(DiagnosticInfo.Create(NpuDiagnostics.ContextBudgetExceeded, at,
                xclbins.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(", ", xclbins.Select(g => g.Key)),
                generation.ContextBudget.ToString(System.Globalization.CultureInfo.InvariantCulture), generation.ToString())).ToEquatableArray();
        }
    }
}

/// <summary>A method bound to an xclbin: the xclbin's path in the output folder and the method's declaration id.</summary>
internal sealed record BoundXclbin(string XclbinPath, string SortKey);

/// <summary>Where a method's [NpuKernel] is, by its declaration id, for a diagnostic about the project as a whole.</summary>
internal sealed record MethodSite(string SortKey, DiagnosticLocation Location);
