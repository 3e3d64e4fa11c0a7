using CrmDb.Runner.Batches;

namespace CrmDb.Tests.Batches;

/// <summary>
/// The splitter against a corpus of edge cases taken from go-sqlcmd's batch tests and DbUp's
/// SqlCommandSplitter tests (and their documented behaviour). Where the two disagree the case
/// says so and which one the project follows, and why: sqlcmd's line rules for GO and commands
/// (scripts must behave the same under sqlcmd and crmdb), T-SQL's own lexical rules for strings,
/// identifiers and comments (what the server will read).
/// </summary>
public sealed class SplitterCorpusTests
{
    /// <summary>One case: a script, the batches expected as "startLine|count|text", and a note.</summary>
    public sealed record Case(string Name, string Script, string[] Expected, string Note = "")
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Corpus() =>
    [
        new("no GO: the whole script is one batch", "SELECT 1", ["1|1|SELECT 1"], "both"),
        new("GO alone on its line splits", "SELECT 1\nGO\nSELECT 2", ["1|1|SELECT 1", "3|1|SELECT 2"], "both"),
        new("go in any case, with spaces around", "SELECT 1\n  go  \nSELECT 2", ["1|1|SELECT 1", "3|1|SELECT 2"], "both"),
        new("GO indented with a tab, tab after", "SELECT 1\n\tGO\t\nSELECT 2", ["1|1|SELECT 1", "3|1|SELECT 2"], "both"),
        new("GO with a trailing -- comment", "SELECT 1\nGO -- fin du lot\nSELECT 2", ["1|1|SELECT 1", "3|1|SELECT 2"],
            "DISAGREE: DbUp ends the batch at GO and puts '-- fin du lot' at the start of the next command; go-sqlcmd drops the comment with the GO line. Project follows go-sqlcmd."),
        new("GO n repeats the batch", "INSERT INTO t DEFAULT VALUES\nGO 3\nSELECT 2", ["1|3|INSERT INTO t DEFAULT VALUES", "3|1|SELECT 2"],
            "DISAGREE: DbUp has no repeat count (the 3 would start the next command). Project follows go-sqlcmd."),
        new("GO n with a comment", "SELECT 1\nGO 2 -- deux fois", ["1|2|SELECT 1"], "go-sqlcmd"),
        new("GO inside a -- comment", "-- GO\nSELECT 1", ["1|1|-- GO\nSELECT 1"], "both"),
        new("GO inside a block comment", "/*\nmulti line comment\nGO\n--\nGo\n*/\nINSERT INTO A (GO) VALUES (1);", ["1|1|/*\nmulti line comment\nGO\n--\nGo\n*/\nINSERT INTO A (GO) VALUES (1);"], "both (DbUp's should_split_statements_on_go_and_handle_comments)"),
        new("nested block comments", "/* outer /* inner */\nGO\n*/\nSELECT 1", ["1|1|/* outer /* inner */\nGO\n*/\nSELECT 1"],
            "DISAGREE: go-sqlcmd does not nest comments (it would end the comment at the first */ and split at GO); DbUp nests. Project follows DbUp: T-SQL nests block comments."),
        new("GO inside a string literal that spans lines", "SELECT 'a\nGO\nb'\nGO", ["1|1|SELECT 'a\nGO\nb'"], "both"),
        new("doubled quote inside a string", "SELECT 'it''s'\nGO\nSELECT 2", ["1|1|SELECT 'it''s'", "3|1|SELECT 2"], "both (go-sqlcmd TestReadString)"),
        new("backslash means nothing in a T-SQL string", "SELECT 'C:\\'\nGO\nSELECT 2", ["1|1|SELECT 'C:\\'", "3|1|SELECT 2"],
            "DISAGREE: go-sqlcmd reads \\' as an escaped quote and would keep the string open; DbUp does not. Project follows DbUp: T-SQL has no backslash escape."),
        new("GO inside a [bracketed] identifier", "SELECT 1 AS [a\nGO\nb]\nGO", ["1|1|SELECT 1 AS [a\nGO\nb]"],
            "DISAGREE: go-sqlcmd does not know brackets (it would split); DbUp does. Project follows DbUp."),
        new("]] inside brackets and a quote in them", "SELECT 1 AS [x]]']\nGO\nSELECT 2", ["1|1|SELECT 1 AS [x]]']", "3|1|SELECT 2"], "DbUp (multiple_brackets_should_escape_properly)"),
        new("a quote in brackets opens no string", "SELECT 1 as [']\nGO\nSelect 2", ["1|1|SELECT 1 as [']", "3|1|Select 2"], "DbUp (should_treat_bracketed_text_as_single_item)"),
        new("GO inside a \"quoted\" identifier", "SELECT 1 AS \"a\nGO\nb\"\nGO", ["1|1|SELECT 1 AS \"a\nGO\nb\""],
            "DISAGREE: DbUp ignores double quotes (a TODO in its parser) and would split; go-sqlcmd reads them as quoted. Project follows go-sqlcmd."),
        new("GO not alone on its line is text", "SELECT 1 GO SELECT 2", ["1|1|SELECT 1 GO SELECT 2"],
            "DISAGREE: DbUp splits on GO between white space anywhere in a line; sqlcmd only on a line of its own. Project follows sqlcmd."),
        new("GO; is text", "SELECT 1\nGO;\nSELECT 2", ["1|1|SELECT 1\nGO;\nSELECT 2"],
            "DISAGREE: DbUp accepts GO; as a separator; sqlcmd's GO must be followed by white space or the end of the line. Project follows sqlcmd."),
        new("GO-- without a space is text", "SELECT 1\nGO--Dummy comment", ["1|1|SELECT 1\nGO--Dummy comment"], "both (DbUp's should_correctly_recognize_go_statements)"),
        new("GOTO is not GO", "GOTO done\nGO", ["1|1|GOTO done"], "both"),
        new("GO in a column name", "SELECT AccountId,\n        GovernmentInCents\nFROM x", ["1|1|SELECT AccountId,\n        GovernmentInCents\nFROM x"], "both (DbUp's does_not_split_go_in_column_name)"),
        new("CRLF line ends are kept in the text", "SELECT 1\r\nGO\r\nSELECT\r\n2\r\n", ["1|1|SELECT 1", "3|1|SELECT\r\n2"], "both"),
        new("a lone CR ends a line", "SELECT 1\rGO\rSELECT 2", ["1|1|SELECT 1", "3|1|SELECT 2"], "DbUp skips a lone CR; project treats it as a line end, as TextReader.ReadLine does"),
        new("leading blank lines: the batch starts at its first text line", "\n\n  \nSELECT 1\nGO\n\n\nSELECT 2\n\n", ["4|1|SELECT 1", "8|1|SELECT 2"], "go-sqlcmd drops blank lines everywhere; project keeps inner ones so server line numbers map to file lines"),
        new("empty batches are dropped", "GO\nGO\nSELECT 1\nGO\nGO", ["3|1|SELECT 1"], "both (DbUp: \"GO\" gives no command)"),
        new("a batch of comments only is kept", "--Dummy comment\nGO\nSELECT 1", ["1|1|--Dummy comment", "3|1|SELECT 1"], "both (DbUp: \"--Dummy comment\\nGO\")"),
        new("-- inside a string is not a comment", "SELECT '--'\nGO\nSELECT 2", ["1|1|SELECT '--'", "3|1|SELECT 2"], "both"),
        new("/* inside a string is not a comment", "VALUES (N'Some text. /*Emphasised*/ More text')\nGO\nSELECT 2", ["1|1|VALUES (N'Some text. /*Emphasised*/ More text')", "3|1|SELECT 2"], "DbUp (strangeInsert)"),
        new("a quote in a -- comment opens no string", "SELECT 1 -- it's\nGO\nSELECT 2", ["1|1|SELECT 1 -- it's", "3|1|SELECT 2"], "both"),
        new("a quote in a block comment opens no string", "/* it's */ SELECT 1\nGO\nSELECT 2", ["1|1|/* it's */ SELECT 1", "3|1|SELECT 2"], "both"),
        new("-- inside a block comment does not hide its end", "/* -- */ SELECT 1\nGO", ["1|1|/* -- */ SELECT 1"], "both"),
        new("/* inside a -- comment opens nothing", "SELECT 1 -- /*\nGO\nSELECT 2", ["1|1|SELECT 1 -- /*", "3|1|SELECT 2"], "both"),
        new(":: is T-SQL's function syntax, not a command", "SELECT * FROM\n::fn_helpcollations()", ["1|1|SELECT * FROM\n::fn_helpcollations()"], "go-sqlcmd matches no command either"),
        new("a : line inside a string is text", "SELECT 'a\n:connect x\n'", ["1|1|SELECT 'a\n:connect x\n'"], "both"),
        new("a sqlcmd line inside a batch is removed from it", "SELECT 1\n:setvar V 2\nSELECT $(V)", ["1|1|SELECT 1\nSELECT 2"], "go-sqlcmd (\"select 1\\n:list\\nselect 2\")"),
        new("last batch without GO", "SELECT 1\nGO\nSELECT 2\n-- end", ["1|1|SELECT 1", "3|1|SELECT 2\n-- end"], "both"),
        new("EXIT ends the script and discards the pending batch", "SELECT 1\nGO\nSELECT 2\nEXIT\nSELECT 3", ["1|1|SELECT 1", "EXIT|4"],
            "sqlcmd (EXIT without parentheses quits without running the batch); go-sqlcmd the same. Before: sent to the server as text."),
        new("EXIT() runs the pending batch, then ends", "SELECT 1\nEXIT()\nSELECT 3", ["1|1|SELECT 1", "EXIT|2"], "sqlcmd: \"EXIT() executes the batch, then quits\""),
        new("QUIT in any case, indented, discards the pending batch", "SELECT 1\n  quit\nSELECT 2", ["EXIT|2"], "sqlcmd"),
        new("the colon forms behave the same", "SELECT 1\nGO\n:Exit\nSELECT 2", ["1|1|SELECT 1", "EXIT|3"], "sqlcmd (commands may start with a colon)"),
        new("EXIT with a trailing -- comment", "SELECT 1\nGO\nEXIT -- fin", ["1|1|SELECT 1", "EXIT|3"], "go-sqlcmd"),
        new("RESET empties the pending batch", "SELECT 1\nRESET\nSELECT 2", ["3|1|SELECT 2"], "sqlcmd: \"RESET clears the statement cache\""),
        new(":reset is RESET", "SELECT 1\n:reset\nSELECT 2\nGO", ["3|1|SELECT 2"], "sqlcmd"),
        new("EXIT inside a string is text", "SELECT '\nEXIT\n'", ["1|1|SELECT '\nEXIT\n'"], "both: commands only start a line in code"),
        new("QUIT inside a block comment is text", "/*\nQUIT\n*/ SELECT 1", ["1|1|/*\nQUIT\n*/ SELECT 1"], "both"),
        new("a word that starts with exit is text", "SELECT\nexit_code, edition\nFROM t", ["1|1|SELECT\nexit_code, edition\nFROM t"], "both: the command is a whole word"),
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Splits_as_documented(Case @case)
    {
        var batches = Splitting.Split(@case.Script);

        var actual = batches.Select(b => b.EndsRun ? $"EXIT|{b.StartLine}" : $"{b.StartLine}|{b.Count}|{b.Text}").ToArray();
        Assert.Equal(@case.Expected, actual);
        var runnable = batches.Where(b => !b.EndsRun).ToList();
        Assert.Equal(Enumerable.Range(1, runnable.Count), runnable.Select(b => b.Index));
        // An EXIT mark is always last: nothing after it is read.
        Assert.All(batches.SkipLast(1), b => Assert.False(b.EndsRun));
    }

    public static TheoryData<string, string> Substitutions() => new()
    {
        // go-sqlcmd replaces in code and in strings, never in comments (its scanner skips them).
        { "SELECT $(V), '$(V)', [$(V)], \"$(V)\" -- $(V)", "SELECT x, 'x', [x], \"x\" -- $(V)" },
        { "/* $(V) */ SELECT N'$(V)$(V)'", "/* $(V) */ SELECT N'xx'" },
        { "SELECT '$ (V)', '$V', $", "SELECT '$ (V)', '$V', $" },
        { "CREATE DATABASE [$(v)]", "CREATE DATABASE [x]" },
    };

    [Theory]
    [MemberData(nameof(Substitutions))]
    public void Variables_are_replaced_in_code_strings_and_identifiers_but_not_in_comments(string script, string expected)
    {
        var batch = Assert.Single(Splitting.Split(script, new Dictionary<string, string> { ["V"] = "x" }));

        Assert.Equal(expected, batch.Text);
    }

    [Fact]
    public void Setvar_wins_over_the_command_line_as_in_sqlcmd()
    {
        // sqlcmd's documented precedence, low to high: environment, -v, :setvar.
        var batch = Assert.Single(Splitting.Split(":setvar V script\nSELECT '$(V)'", new Dictionary<string, string> { ["V"] = "cli" }));

        Assert.Equal("SELECT 'script'", batch.Text);
    }

    [Theory]
    [InlineData(":setvar V \"a \"\"b\"\" c\"", "a \"b\" c")]
    [InlineData(":SETVAR V plain", "plain")]
    [InlineData("  :setvar V \"\" ", "")]
    [InlineData(":setvar V value -- comment", "value")]
    public void Setvar_values_follow_sqlcmd_quoting(string setvar, string value)
    {
        var batch = Assert.Single(Splitting.Split(setvar + "\nSELECT '$(V)'"));

        Assert.Equal($"SELECT '{value}'", batch.Text);
    }

    [Fact]
    public void Setvar_without_a_value_removes_the_variable()
    {
        var error = Splitting.Error(":setvar V 1\nSELECT $(V)\nGO\n:setvar V\nSELECT $(V)");

        Assert.Equal(BatchErrorKind.UndefinedVariable, error.Kind);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Without_substitution_the_text_stays_as_written()
    {
        var batch = Assert.Single(Splitting.Split("SELECT '$(jquery)', '$('#id')'", substitute: false));

        Assert.Equal("SELECT '$(jquery)', '$('#id')'", batch.Text);
    }

    [Fact]
    public void GO_count_may_come_from_a_variable()
    {
        var batch = Assert.Single(Splitting.Split(":setvar N 2\nSELECT 1\nGO $(N)"));

        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void On_error_exit_applies_to_the_batches_that_end_after_it()
    {
        var batches = Splitting.Split("SELECT 1\nGO\n:On Error exit\nSELECT 2\nGO\n:on error ignore\nSELECT 3");

        Assert.Equal([false, true, false], batches.Select(b => b.ExitOnError));
    }

    [Fact]
    public void Server_line_numbers_map_to_file_lines_across_removed_sqlcmd_lines()
    {
        var batch = Assert.Single(Splitting.Split("\n\nSELECT 1\n:setvar V 2\nSELECT $(V)\n\nSELECT 3"));

        Assert.Equal(3, batch.StartLine);
        Assert.Equal(("main.sql", 3), batch.Locate(1));
        Assert.Equal(("main.sql", 5), batch.Locate(2));
        Assert.Equal(("main.sql", 7), batch.Locate(4));
    }
}
