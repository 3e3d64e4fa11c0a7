using System;

namespace CrmDb.Clr
{
    /// <summary>
    /// The one rule for names whose values are secrets (passwords, keys, tokens): a name that
    /// contains PASSWORD, PWD, SECRET, TOKEN, APIKEY or CREDENTIAL, in any case. crmdb run masks such sqlcmd variables
    /// in its log and console, and crmdb sysparam masks such parameters, so both agree on what a
    /// secret is; the database's dbo.MC_issecretname holds the same list (a test keeps them equal), and
    /// a DBA extends it there with the table dbo.MC_SecretName. Plain loops and a read-only array: nothing here needs state (SAFE).
    /// </summary>
    public static class SecretNames
    {
        /// <summary>What a secret value is shown as.</summary>
        public const string Mask = "********";

        private static readonly string[] Markers = { "PASSWORD", "PWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL" };

        /// <summary>The built-in markers (a copy).</summary>
        public static string[] BuiltInMarkers() => (string[])Markers.Clone();

        /// <summary>True when <paramref name="name"/> names a secret.</summary>
        public static bool IsSecret(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return false;
            }

            for (int i = 0; i < Markers.Length; i++)
            {
                if (name.IndexOf(Markers[i], StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
