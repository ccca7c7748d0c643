using System.Text;
using System.Text.Json;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu inspect</c> for an instruction stream: word count, format (saying when a .txt file holds binary transaction
/// data rather than hex words) and any transaction header.
/// </summary>
internal static class InstructionReport
{
    internal static string Text(InstructionStream s)
    {
        var sb = new StringBuilder();
        sb.Append($"instructions:    {s.SourceName}\n");
        sb.Append($"Format:          {FormatText(s)}\n");
        sb.Append($"Words:           {s.WordCount} ({s.ByteCount} bytes)\n");
        if (s.Transaction is { } t)
        {
            sb.Append($"Transaction:     version {t.Major}.{t.Minor}, device generation {t.DeviceGeneration}, ");
            sb.Append($"{t.Rows} rows x {t.Columns} columns, {t.MemTileRows} memory-tile row(s), {t.OperationCount} operations, {t.TotalSize} bytes\n");
        }
        else
        {
            sb.Append("Transaction:     no (plain instruction stream)\n");
        }
        return sb.ToString();
    }

    /// <summary>A .txt file whose bytes are binary transaction data, not hex text.</summary>
    private static bool BinaryInTextFile(InstructionStream s) => s.IsTransaction && s.Format == InstructionFileFormat.Text;

    private static string FormatText(InstructionStream s) =>
        BinaryInTextFile(s) ? "text file holding binary transaction data, not hex words (newer toolchains write it into .txt files)"
        : s.Format == InstructionFileFormat.Binary ? "binary" : "text";

    internal static string Json(InstructionStream s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("file", s.SourceName);
            w.WriteString("format", s.Format == InstructionFileFormat.Binary ? "binary" : "text");
            // What the bytes are, whatever the file's name says: newer toolchains write binary transaction data into .txt files.
            w.WriteString("encoding", s.IsTransaction || s.Format == InstructionFileFormat.Binary ? "binary" : "hex-text");
            w.WriteNumber("words", s.WordCount);
            w.WriteNumber("bytes", s.ByteCount);
            if (s.Transaction is { } t)
            {
                w.WriteStartObject("transaction");
                w.WriteNumber("major", t.Major);
                w.WriteNumber("minor", t.Minor);
                w.WriteNumber("deviceGeneration", t.DeviceGeneration);
                w.WriteNumber("rows", t.Rows);
                w.WriteNumber("columns", t.Columns);
                w.WriteNumber("memTileRows", t.MemTileRows);
                w.WriteNumber("operations", t.OperationCount);
                w.WriteNumber("totalSize", t.TotalSize);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("transaction");
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }
}
