using System;

namespace CrmDb.Clr
{
    /// <summary>
    /// A #F_/#P_ token inside a string literal nested in another literal: how many times the
    /// name's quotes must be doubled there cannot be read safely, so the text is refused.
    /// </summary>
    [Serializable]
    public sealed class TokenExpansionException : ArgumentException
    {
        /// <summary>Creates the error for a token on <paramref name="line"/> (1-based).</summary>
        public TokenExpansionException(int line)
            : base("Line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + ": a #F_/#P_ token stands inside a string literal nested in another literal (EXEC of a text that itself holds quoted text); "
                + "its quotes cannot be doubled safely there. Build that inner text from a variable set outside the literals, "
                + "or move the token out of the nested literal.")
        {
            Line = line;
        }

        /// <summary>The line of the text (1-based) where the token stands.</summary>
        public int Line { get; }
    }
}
