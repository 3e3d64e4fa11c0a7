using System;

namespace CrmDb.Clr.Autosync
{
    /// <summary>
    /// A hook's name, <c>AUTOSYNC_&lt;order&gt;_&lt;label&gt;</c> (docs/autosync.md, "The integrator's contract"): order is ASCII
    /// digits (the seed writes 0301), label is letters, digits and '_'. Hooks run by numeric
    /// order, then label.
    /// </summary>
    public sealed class HookName
    {
        private HookName(string name, string order, string label)
        {
            Name = name;
            Order = order;
            Label = label;
        }

        /// <summary>The whole name.</summary>
        public string Name { get; }

        /// <summary>The order as written (leading zeros kept).</summary>
        public string Order { get; }

        /// <summary>The label.</summary>
        public string Label { get; }

        /// <summary>
        /// Reads <paramref name="name"/>; on failure <paramref name="reason"/> says in French what is
        /// wrong and what is expected.
        /// </summary>
        public static bool TryParse(string? name, out HookName? hook, out string reason)
        {
            hook = null;
            string expected = " Attendu : AUTOSYNC_<ordre>_<libellé>, <ordre> en chiffres (ex. 0301), <libellé> en lettres, chiffres et _ (ex. specif_repli).";
            if (name == null || !name.StartsWith(HookContract.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                reason = "Nom hors norme : il ne commence pas par AUTOSYNC_." + expected;
                return false;
            }

            string rest = name.Substring(HookContract.Prefix.Length);
            int separator = rest.IndexOf('_');
            if (separator < 0)
            {
                reason = "Nom hors norme : pas de _ entre l'ordre et le libellé." + expected;
                return false;
            }

            string order = rest.Substring(0, separator);
            string label = rest.Substring(separator + 1);
            if (!IsOrder(order))
            {
                reason = order.Length == 0
                    ? "Nom hors norme : l'ordre est vide." + expected
                    : "Nom hors norme : l'ordre « " + order + " » n'est pas fait que de chiffres." + expected;
                return false;
            }

            if (!IsLabel(label))
            {
                reason = label.Length == 0
                    ? "Nom hors norme : le libellé est vide." + expected
                    : "Nom hors norme : le libellé « " + label + " » contient autre chose que des lettres, des chiffres et _." + expected;
                return false;
            }

            hook = new HookName(name, order, label);
            reason = string.Empty;
            return true;
        }

        /// <summary>True when <paramref name="order"/> is one or more ASCII digits.</summary>
        public static bool IsOrder(string? order)
        {
            if (string.IsNullOrEmpty(order))
            {
                return false;
            }

            foreach (char c in order!)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when <paramref name="label"/> is one or more letters, ASCII digits or '_'.</summary>
        public static bool IsLabel(string? label)
        {
            if (string.IsNullOrEmpty(label))
            {
                return false;
            }

            foreach (char c in label!)
            {
                if (!(char.IsLetter(c) || (c >= '0' && c <= '9') || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Run order: numeric order, then label (case-insensitively, then exactly), then name.</summary>
        public static int Compare(HookName a, HookName b)
        {
            if (a == null)
            {
                throw new ArgumentNullException(nameof(a));
            }

            if (b == null)
            {
                throw new ArgumentNullException(nameof(b));
            }

            int result = CompareOrders(a.Order, b.Order);
            if (result == 0)
            {
                result = string.Compare(a.Label, b.Label, StringComparison.OrdinalIgnoreCase);
            }

            if (result == 0)
            {
                result = string.CompareOrdinal(a.Label, b.Label);
            }

            return result == 0 ? string.CompareOrdinal(a.Name, b.Name) : result;
        }

        /// <summary>Compares two digit strings by value, whatever their length (0301 = 301 &lt; 1000).</summary>
        public static int CompareOrders(string a, string b)
        {
            string x = a.TrimStart('0');
            string y = b.TrimStart('0');
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
        }
    }
}
