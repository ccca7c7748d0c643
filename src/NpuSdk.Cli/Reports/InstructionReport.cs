using System.Text;
using System.Text.Json;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary><c>npu inspect</c> for an instruction stream: word count, format and any transaction header.</summary>
internal static class InstructionReport
{
    internal static string Text(InstructionStream s)
    {
        var sb = new StringBuilder();
        sb.Append($"instructions:    {s.SourceName}\n");
        sb.Append($"Format:          {(s.Format == InstructionFileFormat.Binary ? "binary" : "text")}\n");
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

    internal static string Json(InstructionStream s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("file", s.SourceName);
            w.WriteString("format", s.Format == InstructionFileFormat.Binary ? "binary" : "text");
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
