using System.Text;
using CrmDb.Clr;

namespace CrmDb.Runner.Backup;

/// <summary>
/// One BACKUP or RESTORE statement in two forms from the same parts: <see cref="Text"/> with
/// variables, which crmdb runs with <see cref="Parameters"/> (BACKUP and RESTORE take a variable
/// wherever they take a database name, a device, a description, a set name or a MOVE file), and
/// <see cref="Display"/>, the same statement with the values written in (identifiers through
/// QUOTENAME, values as N'...' literals), which is what is printed and journaled, and what
/// dbo.MC_backup builds in T-SQL.
/// </summary>
public sealed class SqlStatement
{
    private SqlStatement(string text, string display, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        Text = text;
        Display = display;
        Parameters = parameters;
    }

    /// <summary>The statement with variables (@Database, @File, ...).</summary>
    public string Text { get; }

    /// <summary>The statement with its values: printed, journaled, runnable in SSMS.</summary>
    public string Display { get; }

    /// <summary>Each variable of <see cref="Text"/> and its value (all nvarchar).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>A T-SQL N'...' literal of <paramref name="value"/>, quotes doubled.</summary>
    public static string Literal(string value) => "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Builds a statement part by part.</summary>
    public sealed class Builder
    {
        private readonly StringBuilder text = new();
        private readonly StringBuilder display = new();
        private readonly List<KeyValuePair<string, string>> parameters = [];

        /// <summary>Fixed text (keywords, punctuation), the same in both forms.</summary>
        public Builder Sql(string fixedText)
        {
            text.Append(fixedText);
            display.Append(fixedText);
            return this;
        }

        /// <summary>A database name: @variable in the text, QUOTENAME in the display.</summary>
        public Builder Identifier(string variable, string name)
        {
            string quoted = SqlName.Quote(name);
            parameters.Add(new(variable, name));
            text.Append(variable);
            display.Append(quoted);
            return this;
        }

        /// <summary>A value (a path, a description): @variable in the text, N'...' in the display.</summary>
        public Builder Value(string variable, string value)
        {
            parameters.Add(new(variable, value));
            text.Append(variable);
            display.Append(Literal(value));
            return this;
        }

        /// <summary>The statement.</summary>
        public SqlStatement Build() => new(text.ToString(), display.ToString(), parameters);
    }
}
