using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// A minimal, well-formed AIE_PARTITION section in the binary layout of XRT's <c>xclbin.h</c>
/// (<c>aie_partition</c> 184 bytes, <c>aie_pdi</c> 96, <c>cdo_group</c> 96; arrays as {u32 count, u32 offset
/// from the section start}; strings as u32 offsets to NUL-terminated text). Its contents mirror the
/// aie_partition.json aiecc writes: partition "QoS", 2048 operations per cycle, one PDI with one PRIMARY
/// CDO group "DPU" naming DPU kernel 0x901. The PDI image is a placeholder: nothing here configures tiles.
/// </summary>
internal static class AiePartitionWriter
{
    private const int PartitionSize = 184;
    private const int PdiSize = 96;
    private const int CdoGroupSize = 96;
    private const byte CdoTypePrimary = 1;

    internal static byte[] Write(XclbinUuid pdiUuid, ushort columnWidth, ushort startColumn)
    {
        var image = PlaceholderPdi();
        // Fixed records first, then the arrays and strings they point at.
        int pdiAt = PartitionSize;
        int cdoAt = pdiAt + PdiSize;
        int startColumnsAt = cdoAt + CdoGroupSize;          // u16[1], padded to 8
        int kernelIdsAt = startColumnsAt + 8;                // u64[1]
        int preCdoGroupsAt = kernelIdsAt + 8;                // u32[1], padded to 8
        int imageAt = preCdoGroupsAt + 8;
        int partitionNameAt = imageAt + Align8(image.Length);
        int cdoNameAt = partitionNameAt + 8;                 // "QoS\0" padded
        int total = cdoNameAt + 8;                           // "DPU\0" padded

        var d = new byte[total];
        // aie_partition
        d[0] = 0; // schema_version
        LittleEndian.Put(d, 4, (uint)partitionNameAt);       // mpo_name
        LittleEndian.Put(d, 8, 2048u);                       // operations_per_cycle
        LittleEndian.Put(d, 16, 23423UL);                    // inference_fingerprint
        LittleEndian.Put(d, 24, 12345UL);                    // pre_post_fingerprint
        LittleEndian.Put(d, 32, columnWidth);                // info.column_width
        LittleEndian.Put(d, 40, 1u);                         // info.start_columns.size
        LittleEndian.Put(d, 44, (uint)startColumnsAt);       // info.start_columns.offset
        LittleEndian.Put(d, 120, 1u);                        // aie_pdis.size
        LittleEndian.Put(d, 124, (uint)pdiAt);               // aie_pdis.offset

        // aie_pdi
        Write(d, pdiAt, pdiUuid.ToByteArray());
        LittleEndian.Put(d, pdiAt + 16, (uint)image.Length); // pdi_image.size
        LittleEndian.Put(d, pdiAt + 20, (uint)imageAt);      // pdi_image.offset
        LittleEndian.Put(d, pdiAt + 24, 1u);                 // cdo_groups.size
        LittleEndian.Put(d, pdiAt + 28, (uint)cdoAt);        // cdo_groups.offset

        // cdo_group
        LittleEndian.Put(d, cdoAt, (uint)cdoNameAt);         // mpo_name
        d[cdoAt + 4] = CdoTypePrimary;                       // cdo_type
        LittleEndian.Put(d, cdoAt + 8, 1UL);                 // pdi_id
        LittleEndian.Put(d, cdoAt + 16, 1u);                 // dpu_kernel_ids.size
        LittleEndian.Put(d, cdoAt + 20, (uint)kernelIdsAt);  // dpu_kernel_ids.offset
        LittleEndian.Put(d, cdoAt + 24, 1u);                 // pre_cdo_groups.size
        LittleEndian.Put(d, cdoAt + 28, (uint)preCdoGroupsAt);

        LittleEndian.Put(d, startColumnsAt, startColumn);
        LittleEndian.Put(d, kernelIdsAt, (ulong)XclbinSectionWriters.DpuKernelId);
        LittleEndian.Put(d, preCdoGroupsAt, 0xC1u);
        Write(d, imageAt, image);
        Write(d, partitionNameAt, Encoding.ASCII.GetBytes("QoS"));
        Write(d, cdoNameAt, Encoding.ASCII.GetBytes("DPU"));
        return d;
    }

    /// <summary>
    /// 64 bytes shaped like the start of a Versal boot image (width-detection word 0xAA995566 at 0x10, "XNLX"
    /// at 0x14), so tools that sniff PDIs recognise it; it holds no configuration.
    /// </summary>
    internal static byte[] PlaceholderPdi()
    {
        var image = new byte[64];
        for (int i = 0; i < 16; i++) image[i] = 0xFF;
        LittleEndian.Put(image, 0x10, 0xAA995566u);
        Write(image, 0x14, Encoding.ASCII.GetBytes("XNLX"));
        return image;
    }

    private static int Align8(int n) => (n + 7) & ~7;

    private static void Write(byte[] d, int at, byte[] bytes) => System.Buffer.BlockCopy(bytes, 0, d, at, bytes.Length);
}
