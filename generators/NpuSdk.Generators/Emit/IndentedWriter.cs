using System;
using System.Text;

namespace NpuSdk.Generators.Emit;

/// <summary>Writes C# text line by line with braces that indent what they enclose.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter WriteLine(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _depth * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents until the returned scope is disposed, which writes <c>}</c>.</summary>
    public Block WriteBlock()
    {
        WriteLine("{");
        _depth++;
        return new Block(this);
    }

    /// <summary>Indents until the returned scope is disposed, with no braces.</summary>
    public Indentation Indent()
    {
        _depth++;
        return new Indentation(this);
    }

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public IndentedWriter WriteLines(string text)
    {
        foreach (string line in text.Split('\n')) WriteLine(line.TrimEnd('\r'));
        return this;
    }

    public override string ToString() => _text.ToString();

    public readonly struct Indentation : IDisposable
    {
        private readonly IndentedWriter _writer;

        public Indentation(IndentedWriter writer) => _writer = writer;

        public void Dispose() => _writer._depth--;
    }

    public readonly struct Block : IDisposable
    {
        private readonly IndentedWriter _writer;

        public Block(IndentedWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._depth--;
            _writer.WriteLine("}");
        }
    }
}
