using CrmDb.Clr;
using CrmDb.Runner.Batches;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Deployment;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.Dac;

namespace CrmDb.Runner.Testing;

/// <summary>One row of tSQLt.TestResult.</summary>
public sealed record TestOutcome(string Class, string Name, string Result, string? Message)
{
    /// <summary>tSQLt's results that count as passed (Skipped exists from tSQLt 1.0.8083 on).</summary>
    public bool Passed => Result is "Success" or "Skipped";
}

/// <summary>
/// crmdb test, on the server: throwaway databases, the packages deployed, tSQLt installed, the
/// test classes loaded, tSQLt.RunAll, each result printed, and everything dropped again
/// (also when something fails). Like any publish, the deployment leaves CrmDb.Clr's hash in
/// sys.trusted_assemblies: removing it could break another run on the same server.
/// </summary>
public sealed class TestRun(TestPlan plan, TextWriter output, TextWriter error)
{
    /// <summary>
    /// Database-level extended property of the test CRM database naming the GesCom fixture
    /// database (same instance), for tSQLt tests: SELECT CONVERT(sysname, value) FROM
    /// sys.extended_properties WHERE class = 0 AND name = N'crmdb_test.gescom_database'.
    /// </summary>
    public const string GesComProperty = "crmdb_test.gescom_database";

    /// <summary>Prefix of every database crmdb test creates.</summary>
    public const string DatabasePrefix = "crmdb_test_";

    private const string CrmCollation = "French_CI_AS";

    // On purpose not the CRM's collation: keys compared across the two databases without an
    // explicit COLLATE fail in the tests as they would on a customer's server (docs/design.md).
    private const string GesComCollation = "Latin1_General_CI_AS";

    private static readonly Localizer Text = new("Test");

    private readonly string master = new SqlConnectionStringBuilder(plan.ServerConnection) { InitialCatalog = "master" }.ConnectionString;

    /// <summary>Runs everything; returns the exit code (0 all passed, 1 otherwise).</summary>
    public int Execute()
    {
        if (!ServerIsReady())
        {
            return ExitCodes.ProcessingErrors;
        }

        string suffix = Guid.NewGuid().ToString("N")[..12];
        string crm = DatabasePrefix + suffix;
        string? gesCom = plan.GesComDacpac is null ? null : DatabasePrefix + "gescom_" + suffix;
        var created = new List<string>();
        try
        {
            CreateDatabase(crm, CrmCollation, created);
            Deploy(plan.SageCrmDacpac, crm, ReferenceOptions());
            if (gesCom is not null)
            {
                CreateDatabase(gesCom, GesComCollation, created);
                Deploy(plan.GesComDacpac!, gesCom, ReferenceOptions());
                Execute(crm, "EXEC sys.sp_addextendedproperty @name = @name, @value = @value;",
                    new SqlParameter("@name", GesComProperty), new SqlParameter("@value", gesCom));
                output.WriteLine(Text["GesComDeployed", gesCom, GesComProperty]);
            }
            else
            {
                output.WriteLine(Text["GesComNotFound", string.Join(", ", plan.GesComSearched)]);
            }

            Deploy(plan.CrmDbDacpac, crm, plan.DeployOptions);

            output.WriteLine(Text["InstallingTsqlt", plan.Tsqlt.Path, plan.Tsqlt.Batches.Count]);
            if (!RunScript(crm, plan.Tsqlt))
            {
                error.WriteLine(Text["TsqltInstallFailed"]);
                return ExitCodes.ProcessingErrors;
            }

            bool classesLoaded = true;
            foreach (SqlScript testClass in plan.TestClasses)
            {
                output.WriteLine(Text["LoadingClass", Path.GetFileName(testClass.Path)]);
                classesLoaded &= RunScript(crm, testClass);
            }

            IReadOnlyList<TestOutcome> outcomes = RunAll(crm);
            foreach (TestOutcome outcome in outcomes)
            {
                (outcome.Passed ? output : error).WriteLine($"[{outcome.Result}] {outcome.Class}.[{outcome.Name}]");
                if (!outcome.Passed && !string.IsNullOrWhiteSpace(outcome.Message))
                {
                    error.WriteLine("    " + outcome.Message);
                }
            }

            output.WriteLine(Text["Summary", outcomes.Count,
                outcomes.Count(o => o.Result == "Success"), outcomes.Count(o => o.Result == "Failure"),
                outcomes.Count(o => o.Result == "Error"), outcomes.Count(o => o.Result == "Skipped")]);
            if (outcomes.Count == 0)
            {
                error.WriteLine(Text["NoTestsRan"]);
            }

            return classesLoaded && outcomes.Count > 0 && outcomes.All(o => o.Passed)
                ? ExitCodes.Success
                : ExitCodes.ProcessingErrors;
        }
        catch (DacServicesException ex)
        {
            error.WriteLine(Text["DeployFailed", ex.Message]);
            foreach (var message in ex.Messages)
            {
                error.WriteLine("  " + message);
            }

            return ExitCodes.ProcessingErrors;
        }
        finally
        {
            CleanUp(created);
        }
    }

    private bool ServerIsReady()
    {
        // The same facts crmdb publish reads; the judgement here is stricter (CLR and sysadmin are required).
        var facts = Prerequisites.Read(master, []);
        string server = facts.ServerName;

        var problems = new List<string>();
        if (facts.MajorVersion < 14)
        {
            problems.Add(Text["ServerTooOld", facts.ProductVersion]);
        }

        if (!facts.ClrEnabled)
        {
            problems.Add(Text["ClrDisabled", server]);
        }

        if (!facts.IsSysadmin)
        {
            problems.Add(Text["NotSysadmin", server]);
        }

        foreach (string problem in problems)
        {
            error.WriteLine(problem);
        }

        if (problems.Count > 0)
        {
            error.WriteLine(Text["NothingCreated"]);
            return false;
        }

        output.WriteLine(Text["Server", server, facts.ProductVersion]);
        if (facts.ClrStrictSecurity)
        {
            output.WriteLine(Text["StrictSecurity"]);
        }

        return true;
    }

    private void CreateDatabase(string name, string collation, List<string> created)
    {
        Execute("master", $"CREATE DATABASE {SqlName.Quote(name)} COLLATE {collation};");
        created.Add(name);
        Execute("master", $"ALTER DATABASE {SqlName.Quote(name)} SET RECOVERY SIMPLE;");
        output.WriteLine(Text["DatabaseCreated", name, collation]);
    }

    private void Deploy(string dacpac, string database, DacDeployOptions options)
    {
        output.WriteLine(Text["Deploying", Path.GetFileName(dacpac), database]);
        using var package = DacPackage.Load(dacpac);
        new DacServices(master).Deploy(package, database, upgradeExisting: true, options);
    }

    /// <summary>Vendor and fixture models: deployed as they are, into the database just created.</summary>
    private static DacDeployOptions ReferenceOptions() => new()
    {
        ScriptDatabaseOptions = false,
        BlockOnPossibleDataLoss = false,
    };

    /// <summary>Runs each batch; on the first error prints file, line and message and returns false. PRINT output is shown.</summary>
    private bool RunScript(string database, SqlScript script)
    {
        using var connection = Open(database, showMessages: true);
        foreach (Batch batch in script.Batches)
        {
            try
            {
                using var command = new SqlCommand(batch.Text, connection) { CommandTimeout = 0 };
                for (int i = 0; i < batch.Count; i++)
                {
                    command.ExecuteNonQuery();
                }
            }
            catch (SqlException ex)
            {
                var (file, line) = batch.Locate(ex.LineNumber);
                error.WriteLine(Text["BatchFailed", file, line, ex.Message]);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// tSQLt.RunAll, its PRINT output shown as it comes (FireInfoMessageEventOnUserErrors: "All
    /// events fire immediately", SqlConnection.FireInfoMessageEventOnUserErrors, learn.microsoft.com).
    /// A test that raises an error of class 20 or above ends the session ("the application
    /// connection to the instance of the Database Engine may also terminate", Database Engine error
    /// severities): the results are then read on a new session, the test that was running shows
    /// as tSQLt's "severe error" row, and the run counts as failed.
    /// </summary>
    private IReadOnlyList<TestOutcome> RunAll(string database)
    {
        bool lost = false;
        using (var connection = Open(database, showMessages: true, fireAtOnce: true))
        {
            try
            {
                using var run = new SqlCommand("EXEC tSQLt.RunAll;", connection) { CommandTimeout = 0 };
                run.ExecuteNonQuery();
            }
            catch (SqlException ex)
            {
                // tSQLt.RunAll raises an error when a test fails; the results table says which.
                lost = connection.State != System.Data.ConnectionState.Open;
                (lost ? error : output).WriteLine(Text[lost ? "RunAllConnectionLost" : "RunAllRaised", ex.Message]);
            }
        }

        using var results = Open(database);
        using var read = new SqlCommand("SELECT Class, TestCase, Result, Msg FROM tSQLt.TestResult ORDER BY Id;", results);
        using var reader = read.ExecuteReader();
        var outcomes = new List<TestOutcome>();
        while (reader.Read())
        {
            outcomes.Add(new TestOutcome(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "Error" : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        if (lost)
        {
            // The tests after the one that ended the session did not run: never a success.
            outcomes.Add(new TestOutcome("tSQLt", "RunAll", "Error", Text["RunAllStopped"]));
        }

        return outcomes;
    }

    private void CleanUp(List<string> created)
    {
        if (plan.Keep)
        {
            if (created.Count > 0)
            {
                output.WriteLine(Text["Kept", string.Join(", ", created)]);
            }

            return;
        }

        SqlConnection.ClearAllPools();
        foreach (string name in created)
        {
            try
            {
                Execute("master", $"IF DB_ID(@name) IS NOT NULL BEGIN ALTER DATABASE {SqlName.Quote(name)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {SqlName.Quote(name)}; END;",
                    new SqlParameter("@name", name));
                output.WriteLine(Text["Dropped", name]);
            }
            catch (SqlException ex)
            {
                error.WriteLine(Text["DropFailed", name, ex.Message]);
            }
        }
    }

    private void Execute(string database, string sql, params SqlParameter[] parameters)
    {
        using var connection = Open(database);
        using var command = new SqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        command.ExecuteNonQuery();
    }

    private SqlConnection Open(string database, bool showMessages = false, bool fireAtOnce = false)
    {
        var connection = new SqlConnection(new SqlConnectionStringBuilder(plan.ServerConnection) { InitialCatalog = database }.ConnectionString)
        {
            FireInfoMessageEventOnUserErrors = fireAtOnce,
        };
        if (showMessages)
        {
            var shown = new ServerOutput(output, error);
            connection.InfoMessage += (_, e) =>
            {
                foreach (SqlError message in e.Errors)
                {
                    shown.Write(message.Class, message.Message);
                }
            };
        }

        connection.Open();
        return connection;
    }
}
