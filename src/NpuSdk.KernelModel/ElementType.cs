using System;

namespace NpuSdk.KernelModel;

/// <summary>The element type of a kernel buffer (the manifest's <c>elementType</c>).</summary>
public enum ElementType
{
    /// <summary>Signed 8-bit integer (<c>int8</c>, C# <c>sbyte</c>).</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer (<c>uint8</c>, C# <c>byte</c>).</summary>
    UInt8,
    /// <summary>Signed 16-bit integer (<c>int16</c>, C# <c>short</c>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<c>int32</c>, C# <c>int</c>).</summary>
    Int32,
    /// <summary>bfloat16 (<c>bf16</c>, C# <c>NpuSdk.BFloat16</c>).</summary>
    BFloat16,
    /// <summary>IEEE binary32 (<c>float32</c>, C# <c>float</c>).</summary>
    Float32,
}

/// <summary>Names and sizes of <see cref="ElementType"/> values.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(ElementType type) => type switch
    {
        ElementType.Int8 or ElementType.UInt8 => 1,
        ElementType.Int16 or ElementType.BFloat16 => 2,
        _ => 4,
    };

    /// <summary>True for bf16 and float32.</summary>
    public static bool IsFloat(ElementType type) => type is ElementType.BFloat16 or ElementType.Float32;

    /// <summary>
    /// Whether a method's buffer of <paramref name="method"/> elements can stand for a kernel operand of
    /// <paramref name="kernel"/> elements: an input exactly (the kernel reads it as it is packed), an output of the same
    /// kind (integer or float), converted on the way back. The generator checks it at build time, the runtime again.
    /// </summary>
    internal static bool Fits(bool input, ElementType method, ElementType kernel) => input ? method == kernel : IsFloat(method) == IsFloat(kernel);

    /// <summary>The manifest's spelling: <c>int8</c>, <c>uint8</c>, <c>int16</c>, <c>int32</c>, <c>bf16</c>, <c>float32</c>.</summary>
    public static string ManifestName(ElementType type) => type switch
    {
        ElementType.Int8 => "int8",
        ElementType.UInt8 => "uint8",
        ElementType.Int16 => "int16",
        ElementType.Int32 => "int32",
        ElementType.BFloat16 => "bf16",
        _ => "float32",
    };

    /// <summary>The C# type a method uses for it (<c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>int</c>, <c>BFloat16</c>, <c>float</c>).</summary>
    public static string CSharpName(ElementType type) => type switch
    {
        ElementType.Int8 => "sbyte",
        ElementType.UInt8 => "byte",
        ElementType.Int16 => "short",
        ElementType.Int32 => "int",
        ElementType.BFloat16 => "BFloat16",
        _ => "float",
    };

    /// <summary>Reads the manifest's spelling; false for anything else.</summary>
    public static bool TryParse(string? text, out ElementType type)
    {
        switch (text)
        {
            case "int8": type = ElementType.Int8; return true;
            case "uint8": type = ElementType.UInt8; return true;
            case "int16": type = ElementType.Int16; return true;
            case "int32": type = ElementType.Int32; return true;
            case "bf16": type = ElementType.BFloat16; return true;
            case "float32": type = ElementType.Float32; return true;
            default: type = default; return false;
        }
    }

    internal const string Spellings = "int8, uint8, int16, int32, bf16, float32";

    /// <summary>The smallest and largest value of an integer type.</summary>
    internal static (long Min, long Max) Range(ElementType type) => type switch
    {
        ElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        ElementType.UInt8 => (byte.MinValue, byte.MaxValue),
        ElementType.Int16 => (short.MinValue, short.MaxValue),
        ElementType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an integer type"),
    };
}
