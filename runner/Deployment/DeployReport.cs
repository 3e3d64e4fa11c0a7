using System.Xml.Linq;

namespace CrmDb.Runner.Deployment;

/// <summary>One object of DacFx's deploy report: its name and DacFx's type (SqlProcedure, SqlTable...).</summary>
public sealed record ReportItem(string Name, string Type);

/// <summary>One alert of DacFx's deploy report (DataIssue: possible data loss).</summary>
public sealed record ReportAlert(string Name, IReadOnlyList<string> Issues);

/// <summary>DacFx's deploy report XML, read: objects per operation and the alerts.</summary>
public sealed record DeployReport(IReadOnlyDictionary<string, IReadOnlyList<ReportItem>> Operations, IReadOnlyList<ReportAlert> Alerts)
{
    private static readonly XNamespace Ns = "http://schemas.microsoft.com/sqlserver/dac/DeployReport/2012/02";

    /// <summary>The objects of operation <paramref name="name"/> (Create, Alter, Drop...), empty when there is none.</summary>
    public IReadOnlyList<ReportItem> Of(string name) => Operations.TryGetValue(name, out var items) ? items : [];

    /// <summary>Parses the XML DacFx's GenerateDeployReport returns.</summary>
    public static DeployReport Parse(string xml)
    {
        var root = XDocument.Parse(xml).Root!;
        var operations = new Dictionary<string, IReadOnlyList<ReportItem>>(StringComparer.OrdinalIgnoreCase);
        foreach (var operation in root.Elements(Ns + "Operations").Elements(Ns + "Operation"))
        {
            string name = (string?)operation.Attribute("Name") ?? "?";
            var items = operation.Elements(Ns + "Item").Select(i => new ReportItem((string?)i.Attribute("Value") ?? "?", (string?)i.Attribute("Type") ?? "?"));
            operations[name] = [.. (operations.TryGetValue(name, out var earlier) ? earlier : []), .. items];
        }

        var alerts = root.Elements(Ns + "Alerts").Elements(Ns + "Alert")
            .Select(a => new ReportAlert(
                (string?)a.Attribute("Name") ?? "?",
                [.. a.Elements(Ns + "Issue").Select(i => (string?)i.Attribute("Value") ?? string.Empty)]))
            .ToList();
        return new DeployReport(operations, alerts);
    }
}
