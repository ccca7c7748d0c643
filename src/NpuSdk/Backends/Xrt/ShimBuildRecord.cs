namespace NpuSdk.Backends.Xrt;

/// <summary>
/// What the build that made this output said about the native shim: <c>npusdk_xrt.build.txt</c>, which
/// <c>NpuSdk.Native.targets</c> writes beside NpuSdk.dll on every build (in this repository and in a project that uses
/// the NpuSdk package), as <c>key: value</c> lines. The xrt backend's errors take from it why the shim is not there
/// and how it is built again on this machine, instead of guessing.
/// </summary>
/// <param name="Built">True when the build made the shim.</param>
/// <param name="Reason">Why it did not (<c>CMake (cmake on PATH) not found</c>, <c>NpuSdkBuildShim=false ...</c>), or null.</param>
/// <param name="Fix">What to install or set so that it does, or null.</param>
/// <param name="Rebuild">How the shim is built again in this setup (the package's obj/ folder, or the repository's native/build), or null.</param>
/// <param name="Xrt">Where the XRT it was built against was found, or null.</param>
internal sealed record ShimBuildRecord(bool Built, string? Reason, string? Fix, string? Rebuild, string? Xrt)
{
    /// <summary>The record's file name, beside NpuSdk.dll.</summary>
    internal const string FileName = "npusdk_xrt.build.txt";

    /// <summary>The record in <paramref name="folder"/>, or null where there is none or it cannot be read.</summary>
    internal static ShimBuildRecord? Read(string folder)
    {
        string[] lines;
        try
        {
            string path = Path.Combine(folder, FileName);
            if (!File.Exists(path)) return null;
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            string value = line[(colon + 1)..].Trim();
            if (value.Length > 0) values[line[..colon].Trim()] = value;
        }
        if (!values.TryGetValue("built", out string? built)) return null;
        return new ShimBuildRecord(built == "yes", values.GetValueOrDefault("reason"), values.GetValueOrDefault("fix"),
            values.GetValueOrDefault("rebuild"), values.GetValueOrDefault("xrt"));
    }
}
