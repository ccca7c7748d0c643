using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>
/// The original Python port's per-tile matmul wrapper (shared/ORIGINAL-PORT.md), translated line for line
/// to the SDK's runtime API: setup once, the triple tile loop, and matmul_tile with
/// write / sync / launch / wait / sync / read. The per-tile rules must fire on matmul_tile's lines, reached
/// through the call from the innermost tile loop.
/// </summary>
public class OriginalPortTests
{
    private const string PerTileMatMul = """
        using System;
        using System.Runtime.InteropServices;
        using NpuSdk;
        using NpuSdk.Xrt;

        public sealed class PerTileMatMul
        {
            private const int Tile = 16;
            private readonly Device device;
            private readonly Kernel kernel;
            private readonly Bo instrBo;
            private readonly Bo inputBo;
            private readonly Bo outputBo;
            private readonly uint nInsts;

            // Setup (once).
            public PerTileMatMul(string xclbinPath, uint[] instructions)
            {
                device = Device.Open(0);
                var uuid = device.RegisterXclbin(xclbinPath);
                var hwCtx = new HwContext(device, uuid);
                kernel = new Kernel(hwCtx, "MLIR_AIE");
                nInsts = (uint)instructions.Length;
                instrBo = new Bo(device, nInsts * 4, BoFlags.Cacheable, kernel.GroupId(1));
                inputBo = new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3));
                outputBo = new Bo(device, 256, BoFlags.HostOnly, kernel.GroupId(4));
                instructions.AsSpan().CopyTo(instrBo.Map<uint>());
                instrBo.Sync(SyncDirection.ToDevice);
            }

            // The matmul: 500x512 @ 512x512 padded to 512, 32 x 32 x 32 tile calls.
            public sbyte[,] MatMul(sbyte[,] aPadded, sbyte[,] bPadded)
            {
                int mTiles = aPadded.GetLength(0) / Tile, kTiles = aPadded.GetLength(1) / Tile, nTiles = bPadded.GetLength(1) / Tile;
                var cPadded = new sbyte[mTiles * Tile, nTiles * Tile];
                for (int i = 0; i < mTiles; i++)
                {
                    for (int j = 0; j < nTiles; j++)
                    {
                        var acc = new int[Tile, Tile];
                        for (int k = 0; k < kTiles; k++)
                        {
                            var aTile = TileOf(aPadded, i, k);
                            var bTile = TileOf(bPadded, k, j);
                            var partial = MatMulTile(aTile, bTile);
                            for (int r = 0; r < Tile; r++)
                                for (int c = 0; c < Tile; c++)
                                    acc[r, c] += partial[r * Tile + c];
                        }
                        for (int r = 0; r < Tile; r++)
                            for (int c = 0; c < Tile; c++)
                                cPadded[i * Tile + r, j * Tile + c] = (sbyte)Math.Clamp(acc[r, c], -128, 127);
                    }
                }
                return cPadded;
            }

            private sbyte[] MatMulTile(sbyte[] aTile, sbyte[] bTile)
            {
                var packed = new sbyte[2 * Tile * Tile];
                aTile.CopyTo(packed, 0);
                bTile.CopyTo(packed, Tile * Tile);
                inputBo.Write(MemoryMarshal.AsBytes(packed.AsSpan()), 0);
                {|NPU2002:inputBo.Sync(SyncDirection.ToDevice, 512, 0)|};
                var run = {|#0:kernel.Start(3UL, instrBo, nInsts, inputBo, outputBo)|};
                {|NPU2001:{|NPU2007:run.Wait(TimeSpan.FromMilliseconds(1000))|}|};
                {|NPU2002:outputBo.Sync(SyncDirection.FromDevice, 256, 0)|};
                var result = new sbyte[Tile * Tile];
                outputBo.Read(MemoryMarshal.AsBytes(result.AsSpan()), 0);
                return result;
            }

            private static sbyte[] TileOf(sbyte[,] matrix, int row, int column)
            {
                var tile = new sbyte[Tile * Tile];
                for (int r = 0; r < Tile; r++)
                    for (int c = 0; c < Tile; c++)
                        tile[r * Tile + c] = matrix[row * Tile + r, column * Tile + c];
                return tile;
            }
        }
        """;

    [Fact]
    public async Task PerTileRulesFireOnMatMulTileLines()
    {
        // The markup puts the per-tile sync, wait and sync on matmul_tile's own lines; the launch is three tile
        // loops deep, through the call in the k loop. Setup runs once, and matmul_tile allocates no device
        // buffer: no NPU2005 or NPU2003 anywhere.
        await NpuVerifier.VerifyAsync(PerTileMatMul, NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0)
            .WithSeverity(DiagnosticSeverity.Info).WithArguments("kernel.Start", "3 loops deep"));
    }

    [Fact]
    public async Task EveryDiagnosticLinksToItsPage()
    {
        TestFileMarkupParser.GetSpans(PerTileMatMul, out string source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> _);
        var diagnostics = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(source));
        Assert.Equal(5, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal($"https://github.com/npusdk/npusdk/blob/main/docs/diagnostics/{d.Id}.md", d.Descriptor.HelpLinkUri));
    }
}
