namespace NpuSdk.Cli;

internal static class Program
{
    private static int Main(string[] args) => NpuCommandLine.Run(args, Console.Out, Console.Error);
}
