using System.Data.SqlTypes;
using CrmDb.Clr;

namespace CrmDb.Tests.SysParams;

/// <summary>The one rule for parameter names, used by MC_setsysparams (CLR) and crmdb.</summary>
public sealed class SysParamNameTests
{
    public static TheoryData<string?, SysParamNameProblem, int> Names() => new()
    {
        { "cleanUrl", SysParamNameProblem.None, 0 },
        { "MC_modules", SysParamNameProblem.None, 0 },
        { "REPLI_acc_numpayeur_repli", SysParamNameProblem.None, 0 },
        { "_", SysParamNameProblem.None, 0 },
        { "9lives", SysParamNameProblem.None, 0 },
        { "azAZ09_", SysParamNameProblem.None, 0 },
        { new string('x', 100), SysParamNameProblem.None, 0 },
        { null, SysParamNameProblem.Missing, 0 },
        { "", SysParamNameProblem.Missing, 0 },
        { new string('x', 101), SysParamNameProblem.TooLong, 0 },
        { " ", SysParamNameProblem.InvalidCharacter, 1 },
        { "clean Url", SysParamNameProblem.InvalidCharacter, 6 },
        { "cleanUrl ", SysParamNameProblem.InvalidCharacter, 9 },
        { "x];DROP TABLE Account--", SysParamNameProblem.InvalidCharacter, 2 },
        { "a'b", SysParamNameProblem.InvalidCharacter, 2 },
        { "a[b", SysParamNameProblem.InvalidCharacter, 2 },
        { "a-b", SysParamNameProblem.InvalidCharacter, 2 },
        { "a.b", SysParamNameProblem.InvalidCharacter, 2 },
        { "a%b", SysParamNameProblem.InvalidCharacter, 2 },
        { "a\tb", SysParamNameProblem.InvalidCharacter, 2 },
        { "a\nb", SysParamNameProblem.InvalidCharacter, 2 },
        { "paramètre", SysParamNameProblem.InvalidCharacter, 6 },
        { "É", SysParamNameProblem.InvalidCharacter, 1 },
        { "ß", SysParamNameProblem.InvalidCharacter, 1 },
        { "cl\u0435anUrl", SysParamNameProblem.InvalidCharacter, 3 }, // Cyrillic е (U+0435)
        { "\uFF43leanUrl", SysParamNameProblem.InvalidCharacter, 1 }, // full-width ｃ (U+FF43)
        { "x\u0661", SysParamNameProblem.InvalidCharacter, 2 }, // Arabic-Indic digit one (U+0661)
        { "\u212A", SysParamNameProblem.InvalidCharacter, 1 }, // Kelvin sign (U+212A), which case-insensitive collations may fold to K
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Check_tells_what_is_wrong_and_where(string? name, SysParamNameProblem expected, int position)
    {
        Assert.Equal(expected, SysParamName.Check(name, out int at));
        Assert.Equal(position, at);
        Assert.Equal(expected == SysParamNameProblem.None, SysParamName.IsValid(name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_database_function_gives_the_same_answer(string? name, SysParamNameProblem expected, int position)
    {
        _ = position;
        SqlBoolean valid = SqlEntryPoints.IsSysParamName(name is null ? SqlString.Null : new SqlString(name));

        Assert.False(valid.IsNull);
        Assert.Equal(expected == SysParamNameProblem.None, valid.Value);
    }

    [Fact]
    public void A_101_character_name_is_refused_even_when_every_character_is_allowed()
    {
        Assert.True(SysParamName.IsValid(new string('a', SysParamName.MaxLength)));
        Assert.False(SysParamName.IsValid(new string('a', SysParamName.MaxLength + 1)));
    }

    [Fact]
    public void Every_ASCII_character_outside_letters_digits_and_underscore_is_refused()
    {
        for (int c = 0; c < 128; c++)
        {
            bool expected = char.IsAsciiLetterOrDigit((char)c) || c == '_';
            Assert.True(expected == SysParamName.IsValid("a" + (char)c), $"U+{c:X4}");
        }
    }

    [Fact]
    public void The_curative_procedure_name_fits_QUOTENAME_for_the_longest_valid_name()
    {
        string procedure = SysParamName.CurativeProcedure(new string('x', SysParamName.MaxLength));

        Assert.StartsWith("MC_apply_param_", procedure, StringComparison.Ordinal);
        Assert.Equal("[" + procedure + "]", SqlName.Quote(procedure));
    }
}
