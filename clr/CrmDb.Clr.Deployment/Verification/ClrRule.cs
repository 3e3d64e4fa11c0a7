namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// One check that SQL Server's CLR host makes on a SAFE assembly: a stable code (the build prints
/// it as an MSBuild error code), what it forbids, when SQL Server refuses it, the message number
/// it gives, and the Microsoft page the rule is taken from.
/// </summary>
/// <param name="Code">Stable code, e.g. CLR001.</param>
/// <param name="Title">What the rule forbids, in English (the CLI shows a localized title by code).</param>
/// <param name="When">CREATE ASSEMBLY or run time.</param>
/// <param name="ErrorNumber">SQL Server's message number (Msg N).</param>
/// <param name="Source">Title of the Microsoft page that states the rule.</param>
public sealed record ClrRule(string Code, string Title, ClrRefusalTime When, int ErrorNumber, string Source);
