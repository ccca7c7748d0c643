using System.Text.Json;

namespace NpuSdk.Tracing;

/// <summary>
/// Writes a <see cref="TraceRecorder"/>'s events in the Chrome trace-event format (JSON), which Perfetto
/// (ui.perfetto.dev) and <c>chrome://tracing</c> open: process and track names as metadata events, then one complete
/// event (<c>"ph": "X"</c>) per span, times in microseconds.
/// </summary>
internal static class TraceWriter
{
    internal static void Write(TraceRecorder recorder, Stream stream)
    {
        var (events, processes, tracks) = recorder.Snapshot();
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        w.WriteStartObject();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartObject("otherData");
        w.WriteString("generator", "NpuSdk");
        w.WriteNumber("maxEvents", recorder.MaxEvents);
        w.WriteNumber("droppedEvents", recorder.Dropped);
        w.WriteEndObject();
        w.WriteStartArray("traceEvents");
        foreach (var (pid, name) in processes)
        {
            Metadata(w, "process_name", pid, 0, name);
            Metadata(w, "process_sort_index", pid, 0, null, pid);
        }
        foreach (var ((pid, tid), name) in tracks)
        {
            Metadata(w, "thread_name", pid, tid, name);
            Metadata(w, "thread_sort_index", pid, tid, null, tid);
        }
        if (recorder.Dropped > 0)
        {
            // Said in the trace itself, where the reader looks.
            w.WriteStartObject();
            w.WriteString("name", $"trace full: {recorder.MaxEvents:N0} events kept, {recorder.Dropped:N0} later ones left out");
            w.WriteString("ph", "i");
            w.WriteString("s", "g");
            w.WriteNumber("ts", 0);
            w.WriteNumber("pid", TraceRecorder.HostProcess);
            w.WriteNumber("tid", 0);
            w.WriteEndObject();
        }
        foreach (var e in events)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("cat", e.Category);
            w.WriteString("ph", "X");
            w.WriteNumber("ts", Math.Round(e.Start, 3));
            w.WriteNumber("dur", Math.Round(Math.Max(0, e.Duration), 3));
            w.WriteNumber("pid", e.Pid);
            w.WriteNumber("tid", e.Tid);
            if (e.Arg1 is not null || e.Arg2 is not null || e.Text is not null)
            {
                w.WriteStartObject("args");
                if (e.Arg1 is not null) w.WriteNumber(e.Arg1, e.Value1);
                if (e.Arg2 is not null) w.WriteNumber(e.Arg2, e.Value2);
                if (e.Text is not null) w.WriteString("detail", e.Text);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Metadata(Utf8JsonWriter w, string kind, int pid, int tid, string? name, int? sortIndex = null)
    {
        w.WriteStartObject();
        w.WriteString("name", kind);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        if (name is not null) w.WriteString("name", name);
        if (sortIndex is int i) w.WriteNumber("sort_index", i);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
