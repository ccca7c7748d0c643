namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>Wraps a method body in a class whose parameters are the usual runtime objects.</summary>
public static class Snippet
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using NpuSdk;

        """;

    public static string InMethod(string body, string members = "") => Usings + $$"""
        public sealed class Tiles
        {
            public void Run(Device device, HwContext context, Kernel kernel, Bo instr, Bo input, Bo output, byte[] data, int tiles, bool flag)
            {
        {{body}}
            }
        {{members}}
        }
        """;
}
