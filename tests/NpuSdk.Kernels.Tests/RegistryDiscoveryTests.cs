using NpuSdk.Emulation;

namespace NpuSdk.Kernels.Tests;

/// <summary>The default registry's first-use discovery of the kernel library, raced by threads that all need it at once.</summary>
public class RegistryDiscoveryTests
{
    [Fact]
    public void Threads_that_race_the_first_discovery_all_find_the_library()
    {
        var manifest = KernelLibrary.Manifest(KernelLibrary.Names[0]);
        const int Threads = 4;
        for (int round = 0; round < 50; round++)
        {
            var registry = new ReferenceKernelRegistry(discoversKernelLibrary: true);
            using var start = new Barrier(Threads);
            var reasons = new string?[Threads];
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                reasons[t] = registry.TryCreate(manifest, out _, out string why) ? null : why;
            })).ToArray();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
            Assert.All(reasons, Assert.Null);
        }
    }
}
