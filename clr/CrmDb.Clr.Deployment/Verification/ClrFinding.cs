namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// One thing in an assembly that SQL Server would refuse in a SAFE assembly.
/// </summary>
/// <param name="Rule">The rule it breaks (its code, when SQL Server refuses it, the message number).</param>
/// <param name="TypeName">The type of the assembly where it is (full metadata name, nested types with '/').</param>
/// <param name="MemberName">The field or method, or empty when the type or the assembly itself is at fault.</param>
/// <param name="Evidence">What was found, as metadata names it (an opcode, a referenced member, an assembly, resources).</param>
/// <param name="Hint">Where the compiler produced it, when it did.</param>
/// <param name="ServerMessage">The message SQL Server would give (its own English text, filled in).</param>
/// <param name="MessageNumber">The message number when it is not the rule's usual one (e.g. Msg 6239 for an attribute on a type).</param>
public sealed record ClrFinding(
    ClrRule Rule,
    string TypeName,
    string MemberName,
    string Evidence,
    ClrFindingHint Hint,
    string ServerMessage,
    int? MessageNumber = null)
{
    /// <summary>SQL Server's message number for this finding (Msg N).</summary>
    public int ErrorNumber => MessageNumber ?? Rule.ErrorNumber;

    /// <summary>Type and member as one name: Type::Member, or the type alone.</summary>
    public string Target => MemberName.Length == 0 ? TypeName : TypeName + "::" + MemberName;

    /// <summary>A one-line English description without the rule's code (the build prints the code as the MSBuild error code).</summary>
    public string Message =>
        $"{Rule.Title}: {Target} ({Evidence}). "
        + $"SQL Server refuses it {(Rule.When == ClrRefusalTime.CreateAssembly ? "at CREATE ASSEMBLY" : "at run time")} "
        + $"with Msg {ErrorNumber}: {ServerMessage}";

    /// <summary>The rule's code and <see cref="Message"/> (logs, test messages).</summary>
    public override string ToString() => Rule.Code + " " + Message;
}
