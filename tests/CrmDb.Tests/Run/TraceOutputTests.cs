using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Run;

/// <summary>crmdb trace --output FILE replaces the file only once there is output to put in it.</summary>
public sealed class TraceOutputTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-trace-out-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_trace_that_cannot_connect_leaves_the_last_trace_file_as_it_was()
    {
        string file = Path.Combine(folder, "trace.txt");
        File.WriteAllText(file, "trace d'hier");

        // Port 1 on the loopback refuses at once: nothing to trace.
        var result = CliRunner.Run("trace", "--integration", "1", "--output", file, "--connection", "Server=tcp:127.0.0.1,1;Connect Timeout=2;Encrypt=false");

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Equal("trace d'hier", File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFiles(folder));
    }
}
