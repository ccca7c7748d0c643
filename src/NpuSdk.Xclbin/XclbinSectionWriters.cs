using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// The bytes of each section <see cref="XclbinWriter"/> emits, in the shapes an mlir-aie build gets from
/// xclbinutil (its <c>mem_topology.json</c>, <c>kernels.json</c> and <c>--add-kernel</c>).
/// </summary>
internal static class XclbinSectionWriters
{
    /// <summary>
    /// The two banks aiecc's mem_topology.json declares: index 0 HOST (MEM_DRAM, 0x10000 KiB at 0x4000000)
    /// and index 1 SRAM (MEM_DRAM, 0xc000 KiB at 0x4000000); both used.
    /// </summary>
    internal static readonly IReadOnlyList<(string Tag, ulong SizeKb, ulong Base)> Banks = new[]
    {
        ("HOST", 0x10000UL, 0x4000000UL),
        ("SRAM", 0xC000UL, 0x4000000UL),
    };

    /// <summary>Kernel id xclbinutil records for the DPU kernel of an mlir-aie build (kernels.json <c>dpu_kernel_id</c>).</summary>
    internal const uint DpuKernelId = 0x901;

    /// <summary>IP_LAYOUT type of a PS kernel (XRT's <c>IP_PS_KERNEL</c>).</summary>
    internal const uint PsKernelType = 7;

    /// <summary>PS-kernel properties of mlir-aie's IP entry: subtype DPU, kernel id 0x901.</summary>
    internal const uint PsKernelProperties = 0x09010001;

    internal static byte[] MemTopology()
    {
        var d = new byte[AxlfLayout.MemEntries + Banks.Count * AxlfLayout.MemEntrySize];
        LittleEndian.Put(d, 0, Banks.Count);
        for (int i = 0; i < Banks.Count; i++)
        {
            long e = AxlfLayout.MemEntries + i * AxlfLayout.MemEntrySize;
            d[e] = (byte)MemoryType.Dram;
            d[e + 1] = 1;
            LittleEndian.Put(d, e + 8, Banks[i].SizeKb);
            LittleEndian.Put(d, e + 16, Banks[i].Base);
            LittleEndian.PutFixedString(d, e + 24, AxlfLayout.MemTagLength, Banks[i].Tag);
        }
        return d;
    }

    internal static byte[] IpLayout(XclbinSpec spec)
    {
        var d = new byte[AxlfLayout.IpEntries + AxlfLayout.IpEntrySize];
        LittleEndian.Put(d, 0, 1);
        long e = AxlfLayout.IpEntries;
        LittleEndian.Put(d, e, PsKernelType);
        LittleEndian.Put(d, e + 4, PsKernelProperties);
        LittleEndian.PutFixedString(d, e + 16, AxlfLayout.IpNameLength, spec.KernelName + ":" + spec.InstanceName);
        return d;
    }

    /// <summary>One entry per buffer argument with a memory tag: (arg index, IP 0, bank of that tag).</summary>
    internal static byte[] Connectivity(XclbinSpec spec)
    {
        var entries = new List<(int Arg, int Bank)>();
        for (int i = 0; i < spec.Arguments.Count; i++)
        {
            var a = spec.Arguments[i];
            if (a.MemoryTag is null) continue;
            int bank = BankIndex(a.MemoryTag);
            if (bank < 0)
                throw new ArgumentException(
                    $"Argument {i} ('{a.Name}') names memory tag '{a.MemoryTag}'; the writer's banks are HOST and SRAM.", nameof(spec));
            entries.Add((i, bank));
        }

        var d = new byte[AxlfLayout.ConnectionEntries + entries.Count * AxlfLayout.ConnectionEntrySize];
        LittleEndian.Put(d, 0, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            long e = AxlfLayout.ConnectionEntries + i * AxlfLayout.ConnectionEntrySize;
            LittleEndian.Put(d, e, entries[i].Arg);
            LittleEndian.Put(d, e + 4, 0);
            LittleEndian.Put(d, e + 8, entries[i].Bank);
        }
        return d;
    }

    private static int BankIndex(string tag)
    {
        for (int i = 0; i < Banks.Count; i++) if (Banks[i].Tag == tag) return i;
        return -1;
    }

    /// <summary>
    /// The XML xclbinutil writes for mlir-aie's DPU kernel (as extracted from real builds): no ports, register
    /// offsets packed in argument order (opcode 0x0, instr 0x8, ninstr 0x10, bo0 0x14, bo1 0x1c, ...), hex
    /// offsets and sizes, decimal ids, <c>extended-data subtype="1"</c> with DPU kernel id 0x901.
    /// </summary>
    internal static byte[] EmbeddedMetadata(XclbinSpec spec)
    {
        var x = new StringBuilder();
        x.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.Append("<project>\n");
        x.Append("  <platform>\n    <device>\n      <core>\n");
        x.Append("        <kernel name=\"").Append(Escape(spec.KernelName)).Append("\" language=\"c\" type=\"dpu\">\n");
        // Riallto-era aiecc marked the DPU kernel functional; current mlir-aie does not.
        string functional = spec.Layout == XclbinLayout.Riallto ? "1" : "0";
        x.Append("          <extended-data subtype=\"1\" functional=\"").Append(functional)
         .Append("\" dpu_kernel_id=\"").Append(Hex(DpuKernelId)).Append("\"/>\n");
        ulong offset = 0;
        for (int i = 0; i < spec.Arguments.Count; i++)
        {
            var a = spec.Arguments[i];
            x.Append("          <arg name=\"").Append(Escape(a.Name))
             .Append("\" addressQualifier=\"").Append(((int)a.AddressQualifier).ToString(CultureInfo.InvariantCulture))
             .Append("\" id=\"").Append(i.ToString(CultureInfo.InvariantCulture))
             .Append("\" size=\"").Append(Hex(a.Size))
             .Append("\" offset=\"").Append(Hex(offset))
             .Append("\" hostOffset=\"0x0\" hostSize=\"").Append(Hex(a.Size))
             .Append("\" type=\"").Append(Escape(a.HostType)).Append("\"/>\n");
            offset += a.Size;
        }
        x.Append("          <instance name=\"").Append(Escape(spec.InstanceName)).Append("\"/>\n");
        x.Append("        </kernel>\n      </core>\n    </device>\n  </platform>\n</project>\n");
        return Encoding.UTF8.GetBytes(x.ToString());
    }

    internal static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    internal static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
