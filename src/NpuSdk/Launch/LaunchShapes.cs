using System.ComponentModel;

namespace NpuSdk.Launch;

/// <summary>The shape checks generated methods run before any device work; failures name the parameters, shapes and rule.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LaunchShapes
{
    /// <summary>Checks C = A·B: A is M x K, B is K x N, C is M x N, none empty.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit; the message names the parameter at fault.</exception>
    public static void CheckMatMul<TA, TB, TC>(ReadOnlySpan2D<TA> a, ReadOnlySpan2D<TB> b, Span2D<TC> c, string aName, string bName, string cName)
    {
        if (a.Rows == 0 || a.Cols == 0)
            throw new ArgumentException($"{aName} is {a.Rows}x{a.Cols}; a matmul needs at least one row and one column.", aName);
        if (b.Cols == 0)
            throw new ArgumentException($"{bName} is {b.Rows}x{b.Cols}; a matmul needs at least one column.", bName);
        if (b.Rows != a.Cols)
            throw new ArgumentException($"{bName} is {b.Rows}x{b.Cols} but {aName} is {a.Rows}x{a.Cols}: C = A·B needs {bName}.Rows == {aName}.Cols ({a.Cols}).", bName);
        if (c.Rows != a.Rows || c.Cols != b.Cols)
            throw new ArgumentException($"{cName} is {c.Rows}x{c.Cols} but {aName} ({a.Rows}x{a.Cols}) times {bName} ({b.Rows}x{b.Cols}) is {a.Rows}x{b.Cols}: C = A·B needs {cName} to be {aName}.Rows x {bName}.Cols.", cName);
    }

    /// <summary>Checks that an elementwise operand has the length of the first input, and that it is not empty.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static void CheckElementwise(int length, string name, int firstLength, string firstName)
    {
        if (firstLength == 0)
            throw new ArgumentException($"{firstName} is empty; an elementwise kernel needs at least one element.", firstName);
        if (length != firstLength)
            throw new ArgumentException($"{name} has {length} elements but {firstName} has {firstLength}: an elementwise kernel needs every operand of the same length.", name);
    }

    /// <summary>Checks a rowwise matrix operand: as many rows as the first one (at least one), and exactly the kernel's columns.</summary>
    /// <exception cref="ArgumentException">The shape does not fit.</exception>
    public static void CheckRows(int rows, int cols, string name, int firstRows, string firstName, int kernelCols)
    {
        if (firstRows == 0)
            throw new ArgumentException($"{firstName} has no rows; a rowwise kernel needs at least one.", firstName);
        if (cols != kernelCols)
            throw new ArgumentException($"{name} is {rows}x{cols}, but the rowwise kernel processes rows of exactly {kernelCols} values.", name);
        if (rows != firstRows)
            throw new ArgumentException($"{name} has {rows} rows but {firstName} has {firstRows}: a rowwise kernel maps row r of every operand to row r.", name);
    }

    /// <summary>Checks a per-column vector operand of a rowwise kernel: one value per column.</summary>
    /// <exception cref="ArgumentException">The length is not the kernel's column count.</exception>
    public static void CheckColumnVector(int length, string name, int kernelCols)
    {
        if (length != kernelCols)
            throw new ArgumentException($"{name} has {length} values, but the rowwise kernel takes one per column ({kernelCols}).", name);
    }
}
