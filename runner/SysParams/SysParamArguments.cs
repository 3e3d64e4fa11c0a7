using CrmDb.Clr;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.SysParams;

/// <summary>
/// Checks of the command line's parameter names and module lists, with the very rules the
/// database applies (CrmDb.Clr), before any connection is made.
/// </summary>
public static class SysParamArguments
{
    private static readonly Localizer Text = new("SysParams");

    /// <summary>Returns <paramref name="name"/> when it is a valid parameter name; a usage error saying why not otherwise.</summary>
    public static string RequireName(string? name)
    {
        switch (SysParamName.Check(name, out int position))
        {
            case SysParamNameProblem.None:
                return name!;
            case SysParamNameProblem.Missing:
                throw new UsageException(Text["NameMissing"]);
            case SysParamNameProblem.TooLong:
                throw new UsageException(Text["NameTooLong", name![..40], name.Length, SysParamName.MaxLength]);
            default:
                char refused = name![position - 1];
                string shown = name.Length > 60 ? name[..60] + "…" : name;
                throw new UsageException(Text["NameBadCharacter", shown, Describe(refused), position]);
        }
    }

    /// <summary>The MC_modules value for a list such as "sales,service"; a usage error naming the first unknown item otherwise.</summary>
    public static int RequireModules(string? list)
    {
        if (Modules.TryParseList(list, out int flags, out string? refused))
        {
            return flags;
        }

        throw new UsageException(Text["ModulesInvalid", list ?? string.Empty, refused ?? string.Empty]);
    }

    /// <summary>A refused character as a reader can see it, spaces and control characters included.</summary>
    private static string Describe(char c) =>
        char.IsWhiteSpace(c) || char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
