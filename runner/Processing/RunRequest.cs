namespace CrmDb.Runner.Processing;

/// <summary>Everything a run was asked to do (crmdb run's options, checked).</summary>
public sealed record RunRequest
{
    /// <summary>The component: names the log and the journal rows.</summary>
    public required string Component { get; init; }

    /// <summary>Files and folders, in the order given.</summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>--variable values.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>Names of variables given with --secret-variable: their values are masked whatever their name.</summary>
    public IReadOnlyCollection<string> SecretVariables { get; init; } = [];

    /// <summary>False with --no-variables (sqlcmd -x).</summary>
    public bool SubstituteVariables { get; init; } = true;

    /// <summary>--code-page: the encoding of scripts without a BOM; null for strict UTF-8.</summary>
    public System.Text.Encoding? InputEncoding { get; init; }

    /// <summary>The log folder (full path).</summary>
    public required string LogDirectory { get; init; }

    /// <summary>--dry-run: list, run nothing, need no connection.</summary>
    public bool DryRun { get; init; }

    /// <summary>--force: run every script, whatever the journal says.</summary>
    public bool Force { get; init; }

    /// <summary>--integration N: expand #F_/#P_ for that integration's GesCom database.</summary>
    public int? Integration { get; init; }

    /// <summary>--gescom-server: GesCom's server given directly (empty or '.' for the same instance).</summary>
    public string? GesComServer { get; init; }

    /// <summary>--gescom-database: GesCom's database given directly.</summary>
    public string? GesComDatabase { get; init; }

    /// <summary>The connection string, when one is configured.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>False with --quoted-identifier off: each script's session runs SET QUOTED_IDENTIFIER OFF (classic sqlcmd without -I).</summary>
    public bool QuotedIdentifier { get; init; } = true;

    /// <summary>The options as the user gave them, for the log header.</summary>
    public string OptionsText { get; init; } = string.Empty;
}

/// <summary>One failure of a run, with its place.</summary>
public sealed record RunFailure(string Script, string Place, string Message);

/// <summary>What a run did (the orchestrator returns it instead of throwing).</summary>
public sealed record RunResult(int ExitCode, string? LogPath, IReadOnlyList<RunFailure> Failures, int ScriptsRun, int ScriptsSkipped, int BatchesRun)
{
    /// <summary>True when nothing failed.</summary>
    public bool Succeeded => ExitCode == 0;
}
