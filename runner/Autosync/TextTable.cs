namespace CrmDb.Runner.Autosync;

/// <summary>Writes rows as aligned columns, the first row being the heading.</summary>
public static class TextTable
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string[]> rows)
    {
        int columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        for (int r = 0; r < rows.Count; r++)
        {
            string[] row = rows[r];
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
            if (r == 0)
            {
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
    }
}
