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
    private const int PartitionSize = AxlfLayout.AiePartitionSize;
    private const int PdiSize = AxlfLayout.AiePdiSize;
    private const int CdoGroupSize = AxlfLayout.AieCdoGroupSize;
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
        LittleEndian.Put(d, AxlfLayout.AiePartitionName, (uint)partitionNameAt);
        LittleEndian.Put(d, AxlfLayout.AiePartitionOperations, 2048u);
        LittleEndian.Put(d, AxlfLayout.AiePartitionInferenceFingerprint, 23423UL);
        LittleEndian.Put(d, AxlfLayout.AiePartitionPrePostFingerprint, 12345UL);
        LittleEndian.Put(d, AxlfLayout.AiePartitionColumnWidth, columnWidth);
        LittleEndian.Put(d, AxlfLayout.AiePartitionStartColumns, 1u);             // .size
        LittleEndian.Put(d, AxlfLayout.AiePartitionStartColumns + 4, (uint)startColumnsAt); // .offset
        LittleEndian.Put(d, AxlfLayout.AiePartitionPdis, 1u);                     // .size
        LittleEndian.Put(d, AxlfLayout.AiePartitionPdis + 4, (uint)pdiAt);        // .offset

        // aie_pdi
        Write(d, pdiAt + AxlfLayout.AiePdiUuid, pdiUuid.ToByteArray());
        LittleEndian.Put(d, pdiAt + AxlfLayout.AiePdiImage, (uint)image.Length);      // .size
        LittleEndian.Put(d, pdiAt + AxlfLayout.AiePdiImage + 4, (uint)imageAt);     // .offset
        LittleEndian.Put(d, pdiAt + AxlfLayout.AiePdiCdoGroups, 1u);                // .size
        LittleEndian.Put(d, pdiAt + AxlfLayout.AiePdiCdoGroups + 4, (uint)cdoAt);   // .offset

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
