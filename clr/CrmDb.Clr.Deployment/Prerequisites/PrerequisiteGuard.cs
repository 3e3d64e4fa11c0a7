using System.Globalization;
using System.Text;

namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// The post-deployment script's guard, generated from <see cref="PrerequisiteTable"/>: it reads
/// the facts with <see cref="PrerequisiteFactsSql"/>, evaluates every row in T-SQL (whose
/// three-valued logic is the table's), prints each finding once, and when one blocks raises the
/// blocking ones as errors and leaves the batch before the assembly is touched.
/// </summary>
public static class PrerequisiteGuard
{
    /// <summary>The guard's statements; @ClrName and @ClrHash must be declared before.</summary>
    public static string Build()
    {
        var s = new StringBuilder();
        s.AppendLine("-- Prerequisites: the decision table of crmdb publish (CrmDb.Clr.Deployment.Prerequisites.PrerequisiteTable).");
        s.AppendLine(PrerequisiteFactsSql.Statements.TrimEnd());
        s.AppendLine("DECLARE @PrereqFindings TABLE (Ordinal int IDENTITY PRIMARY KEY, Blocking bit NOT NULL, Message nvarchar(2000) NOT NULL);");
        s.AppendLine("DECLARE @PrereqOutcome bit;");
        foreach (var rule in PrerequisiteTable.Rules)
        {
            string condition = rule.When.ToSql();
            string blocking = rule.Blocking ? "1" : "0";
            s.AppendLine("-- " + rule.Id + (rule.Blocking ? " (blocking)" : " (warning)"));
            s.AppendLine("SET @PrereqOutcome = CASE WHEN " + condition + " THEN 1 WHEN NOT (" + condition + ") THEN 0 END;");
            s.AppendLine("IF @PrereqOutcome = 1");
            s.AppendLine("    INSERT @PrereqFindings (Blocking, Message) VALUES (" + blocking + ", " + Message(rule.MessageKey, rule.Arguments) + ");");
            s.AppendLine("IF @PrereqOutcome IS NULL");
            s.AppendLine("    INSERT @PrereqFindings (Blocking, Message) VALUES (" + blocking + ", " + UnknownMessage(rule) + ");");
        }

        s.AppendLine("DECLARE @PrereqBlocking bit, @PrereqMessage nvarchar(2000), @PrereqBlocked bit = 0;");
        s.AppendLine("DECLARE prereq_findings CURSOR LOCAL FAST_FORWARD FOR SELECT Blocking, Message FROM @PrereqFindings GROUP BY Blocking, Message ORDER BY MIN(Ordinal);");
        s.AppendLine("OPEN prereq_findings;");
        s.AppendLine("FETCH NEXT FROM prereq_findings INTO @PrereqBlocking, @PrereqMessage;");
        s.AppendLine("WHILE @@FETCH_STATUS = 0");
        s.AppendLine("BEGIN");
        s.AppendLine("    IF @PrereqBlocking = 1");
        s.AppendLine("    BEGIN");
        s.AppendLine("        RAISERROR(N'%s', 16, 1, @PrereqMessage);");
        s.AppendLine("        SET @PrereqBlocked = 1;");
        s.AppendLine("    END");
        s.AppendLine("    ELSE");
        s.AppendLine("        PRINT @PrereqMessage;");
        s.AppendLine("    FETCH NEXT FROM prereq_findings INTO @PrereqBlocking, @PrereqMessage;");
        s.AppendLine("END;");
        s.AppendLine("CLOSE prereq_findings;");
        s.AppendLine("DEALLOCATE prereq_findings;");
        s.AppendLine("IF @PrereqBlocked = 1");
        s.AppendLine("BEGIN");
        s.AppendLine("    RAISERROR(N'%s', 16, 1, " + SqlName.Literal(PrerequisiteMessages.French("PrereqGuardBlocked")) + ");");
        s.AppendLine("    RETURN;");
        s.AppendLine("END;");
        return s.ToString();
    }

    // The template with its placeholders replaced at run time by the facts' values.
    private static string Message(string key, IReadOnlyList<PrerequisiteFact> arguments)
    {
        string expression = SqlName.Literal(PrerequisiteMessages.French(key));
        string none = SqlName.Literal(PrerequisiteMessages.French("PrereqNone"));
        for (int i = 0; i < arguments.Count; i++)
        {
            string placeholder = SqlName.Literal("{" + i.ToString(CultureInfo.InvariantCulture) + "}");
            expression = "REPLACE(" + expression + ", " + placeholder + ", ISNULL(CONVERT(nvarchar(258), " + arguments[i].Variable + "), " + none + "))";
        }

        return expression;
    }

    // The message that names the first fact left unknown, as PrerequisiteTable.Evaluate picks it.
    private static string UnknownMessage(PrerequisiteRule rule)
    {
        var text = new StringBuilder("CASE");
        foreach (var fact in rule.When.Facts.Distinct())
        {
            string message = fact.UnknownArguments.Count == 0
                ? "REPLACE(" + SqlName.Literal(PrerequisiteMessages.French(fact.UnknownMessageKey)) + ", N'{0}', " + SqlName.Literal(fact.Name) + ")"
                : Message(fact.UnknownMessageKey, fact.UnknownArguments);
            text.Append(" WHEN ").Append(fact.Variable).Append(" IS NULL THEN ").Append(message);
        }

        return text.Append(" END").ToString();
    }
}
