using System.CommandLine;
using CrmDb.Clr.Deployment.Verification;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb clr verify: judges an assembly as SQL Server's CLR host judges a SAFE one, with the very
/// rules the DACPAC build applies to CrmDb.Clr (CrmDb.Clr.Deployment.Verification).
/// </summary>
public static class ClrCommand
{
    private static readonly Localizer Text = new("Clr");

    /// <summary>Builds the verb and its sub-verb.</summary>
    public static Command Create(CliContext context)
    {
        var assembly = new Argument<string>("ASSEMBLY") { Description = Text["AssemblyArgument"] };
        var references = new Option<string?>("--reference-assemblies") { Description = Text["ReferenceOption"], HelpName = "DIR" };
        var verify = new Command("verify", Text["VerifyDescription"]) { assembly, references };
        verify.SetHandler(context, parseResult =>
        {
            string path = parseResult.GetValue(assembly)!;
            if (!File.Exists(path))
            {
                throw new UsageException(Text["FileMissing", path]);
            }

            string folder = parseResult.GetValue(references) ?? Net48ReferenceFolder.Default;
            HostProtectionCatalog catalog;
            try
            {
                catalog = new HostProtectionCatalog(folder);
            }
            catch (DirectoryNotFoundException)
            {
                throw new UsageException(Text["ReferenceFolderMissing", folder]);
            }

            ClrVerificationResult result;
            using (catalog)
            {
                try
                {
                    result = SafeAssemblyVerifier.Verify(path, catalog);
                }
                catch (ClrAssemblyFormatException ex)
                {
                    throw new UsageException(Text["NotAnAssembly", path, ex.Reason]);
                }
            }

            Report(context.Out, path, result);
            return result.IsClean ? ExitCodes.Success : ExitCodes.ProcessingErrors;
        });

        return new Command("clr", Text["ClrDescription"]) { verify };
    }

    private static void Report(TextWriter output, string path, ClrVerificationResult result)
    {
        if (result.IsClean)
        {
            output.WriteLine(Text["Clean", result.AssemblyName, path]);
        }
        else
        {
            output.WriteLine(Text["FindingsHeader", result.AssemblyName, path, result.Findings.Count]);
            foreach (var finding in result.Findings)
            {
                string when = finding.Rule.When == ClrRefusalTime.CreateAssembly ? Text["WhenCreateAssembly"] : Text["WhenRunTime"];
                output.WriteLine();
                output.WriteLine(Text["FindingLine", finding.Rule.Code, Text["Rule" + finding.Rule.Code], finding.Target]);
                output.WriteLine(Text["EvidenceLine", finding.Evidence]);
                if (finding.Hint != ClrFindingHint.None)
                {
                    output.WriteLine(Text["HintLine", Text["Hint" + finding.Hint]]);
                }

                output.WriteLine(Text["RefusalLine", when, finding.ErrorNumber, finding.ServerMessage]);
            }

            output.WriteLine();
        }

        output.WriteLine(Text["FullVerificationNote"]);
    }
}
