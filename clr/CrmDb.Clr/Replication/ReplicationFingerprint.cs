using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The validation fingerprint of one declared field (docs/replication.md, "Validation
    /// fingerprint"): SHA-256 of a canonical text of everything that decides whether its check
    /// (<see cref="ReplicationStatementBuilder.BuildCheck"/>, compiled by
    /// sys.dm_exec_describe_first_result_set) succeeds: the declaration (parameter, column, the
    /// column's type, the value), where GesCom is, the engine (version, compatibility level,
    /// collation, user: the facts dbo.MC_replicate passes), the columns of each GesCom table the
    /// value reads and the signature and modification date of each function it calls. dbo.MC_replicate
    /// keeps it per field in dbo.MC_ReplicationFieldCheck with the check's outcome: an unchanged
    /// fingerprint means the outcome is still the one recorded, and no describe call is made.
    /// Two fingerprints compare by their bytes (<see cref="Unchanged"/>).
    /// </summary>
    public static class ReplicationFingerprint
    {
        /// <summary>The version of the canonical text: a change of it makes every field checked again once.</summary>
        public const string FormatVersion = "crmdb-replication-fingerprint/1";

        /// <summary>The fingerprint's length in bytes (SHA-256), the width of dbo.MC_ReplicationFieldCheck.Fingerprint.</summary>
        public const int Length = 32;

        /// <summary>The fingerprint of one field.</summary>
        public static byte[] Compute(GesComLocation location, ReplicationField field, string? engine, ReplicationCatalog catalog) =>
            Hash(Canonical(location, field, engine, catalog));

        /// <summary>SHA-256 of a text's UTF-8 bytes.</summary>
        public static byte[] Hash(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

#if NETFRAMEWORK
            // Inside SQL Server: the managed implementation itself, no CryptoConfig lookup (which
            // reads the machine's configuration) and no provider; not refused in FIPS mode since .NET Framework 4.8.
            using (var sha = new SHA256Managed())
#else
            using (SHA256 sha = SHA256.Create())
#endif
            {
                return sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            }
        }

        /// <summary>True when a stored fingerprint equals the current one, byte for byte; a missing one is a change.</summary>
        public static bool Unchanged(byte[]? stored, byte[] current)
        {
            if (current == null)
            {
                throw new ArgumentNullException(nameof(current));
            }

            if (stored == null || stored.Length != current.Length)
            {
                return false;
            }

            for (int i = 0; i < current.Length; i++)
            {
                if (stored[i] != current[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The text that is hashed (tests and troubleshooting).</summary>
        public static string Canonical(GesComLocation location, ReplicationField field, string? engine, ReplicationCatalog catalog)
        {
            if (location == null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            if (field == null)
            {
                throw new ArgumentNullException(nameof(field));
            }

            if (catalog == null)
            {
                throw new ArgumentNullException(nameof(catalog));
            }

            var text = new StringBuilder(1024);
            text.Append(FormatVersion).Append('\n');
            Value(text, "gescom", location.Qualifier);
            Value(text, "engine", engine ?? string.Empty);
            Value(text, "parameter", field.ParameterName);
            Value(text, "column", field.Column);
            Value(text, "type", field.ColumnType);
            Value(text, "value", field.Expression);

            ReplicationReferences references = ReplicationReferences.Of(field.Expression);
            // Each object by the digest of its canonical text (ReplicationCatalog), so that a field's
            // text stays short however many columns F_COMPTET has.
            foreach (string table in Sorted(references.Tables))
            {
                Value(text, "table " + table.ToUpperInvariant(), catalog.TableDigest(table));
            }

            foreach (string function in Sorted(references.Functions))
            {
                Value(text, "function " + function.ToUpperInvariant(), catalog.FunctionDigest(function));
            }

            return text.ToString();
        }

        /// <summary>A fingerprint as T-SQL writes a binary literal (0x...), for CONVERT(varbinary(32), @text, 1).</summary>
        public static string ToHex(byte[] fingerprint)
        {
            if (fingerprint == null)
            {
                throw new ArgumentNullException(nameof(fingerprint));
            }

            var text = new StringBuilder(2 + (fingerprint.Length * 2));
            text.Append("0x");
            foreach (byte b in fingerprint)
            {
                text.Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        // Length-prefixed, so that no value can pass for another one's end.
        private static void Value(StringBuilder text, string name, string value) =>
            text.Append(name).Append('=').Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');

        private static List<string> Sorted(IList<string> names)
        {
            var sorted = new List<string>(names);
            sorted.Sort(StringComparer.OrdinalIgnoreCase);
            return sorted;
        }
    }
}
