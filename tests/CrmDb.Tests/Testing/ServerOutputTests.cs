using CrmDb.Runner.Testing;

namespace CrmDb.Tests.Testing;

/// <summary>Messages shown as they come (crmdb test, crmdb sysparam set).</summary>
public sealed class ServerOutputTests
{
    [Fact]
    public void Print_goes_to_the_output_and_errors_to_the_error_output_each_flushed_at_once()
    {
        var output = new Unflushed();
        var error = new Unflushed();
        var shown = new ServerOutput(output, error);

        shown.Write(0, "PRINT");
        Assert.Equal("PRINT" + Environment.NewLine, output.Flushed);
        shown.Write(10, "RAISERROR 10");
        shown.Write(16, "Msg 16");

        Assert.Equal("PRINT" + Environment.NewLine + "RAISERROR 10" + Environment.NewLine, output.Flushed);
        Assert.Equal("Msg 16" + Environment.NewLine, error.Flushed);
    }

    /// <summary>A writer that holds what it is given until it is flushed.</summary>
    private sealed class Unflushed : StringWriter
    {
        private int flushedLength;

        public string Flushed => ToString()[..flushedLength];

        public override void Flush()
        {
            base.Flush();
            flushedLength = ToString().Length;
        }
    }
}
