using System;
using System.Collections.Generic;

namespace CrmDb.Clr
{
    /// <summary>The Sage 100c CRM modules recorded in the MC_modules global value (docs/design.md decision 5).</summary>
    [Flags]
    public enum ModuleFlags
    {
        /// <summary>No module.</summary>
        None = 0,

        /// <summary>1: sales ("Force de vente").</summary>
        Sales = 1,

        /// <summary>2: customer service ("Service client").</summary>
        Service = 2,

        /// <summary>4: marketing.</summary>
        Marketing = 4,
    }

    /// <summary>
    /// Decoding and parsing of MC_modules, shared by the database (CLR functions) and crmdb.
    /// Values are 0..7: any combination of the three bits, nothing else.
    /// </summary>
    public static class Modules
    {
        /// <summary>The name of the Custom_SysParams parameter.</summary>
        public const string ParameterName = "MC_modules";

        /// <summary>Every known bit.</summary>
        public const int All = 7;

        /// <summary>The word that stands for no module at all in a list.</summary>
        public const string NoneKeyword = "none";

        private static readonly KeyValuePair<string, ModuleFlags>[] Keys =
        {
            new KeyValuePair<string, ModuleFlags>("sales", ModuleFlags.Sales),
            new KeyValuePair<string, ModuleFlags>("service", ModuleFlags.Service),
            new KeyValuePair<string, ModuleFlags>("marketing", ModuleFlags.Marketing),
        };

        /// <summary>True for 0..7.</summary>
        public static bool IsValid(int flags) => flags >= 0 && flags <= All;

        /// <summary>
        /// The edition's name (Sage's product names, in French in every language):
        /// 0 "Aucun module", 1 "Force de vente", 2 "Service client", 3 "Duo", 4 "Marketing";
        /// with bit 4 and sales or service, " + Marketing" is added: 5 "Force de vente + Marketing",
        /// 6 "Service client + Marketing", 7 "Duo + Marketing".
        /// </summary>
        public static string EditionName(int flags)
        {
            if (!IsValid(flags))
            {
                throw new ArgumentOutOfRangeException(nameof(flags), flags, "MC_modules is 0..7 (1 sales, 2 service, 4 marketing).");
            }

            string edition;
            switch (flags & 3)
            {
                case 1:
                    edition = ProductName(ModuleFlags.Sales);
                    break;
                case 2:
                    edition = ProductName(ModuleFlags.Service);
                    break;
                case 3:
                    edition = "Duo";
                    break;
                default:
                    edition = string.Empty;
                    break;
            }

            bool marketing = (flags & (int)ModuleFlags.Marketing) != 0;
            string marketingName = ProductName(ModuleFlags.Marketing);
            if (edition.Length == 0)
            {
                return marketing ? marketingName : "Aucun module";
            }

            return marketing ? edition + " + " + marketingName : edition;
        }

        /// <summary>The module keys of <paramref name="flags"/> in bit order ("sales,service"), or "none".</summary>
        public static string ToList(int flags)
        {
            if (!IsValid(flags))
            {
                throw new ArgumentOutOfRangeException(nameof(flags), flags, "MC_modules is 0..7 (1 sales, 2 service, 4 marketing).");
            }

            var names = new List<string>();
            foreach (var key in Keys)
            {
                if ((flags & (int)key.Value) != 0)
                {
                    names.Add(key.Key);
                }
            }

            return names.Count == 0 ? NoneKeyword : string.Join(",", names.ToArray());
        }

        /// <summary>The product name of one module: "Force de vente", "Service client" or "Marketing".</summary>
        public static string ProductName(ModuleFlags module)
        {
            switch (module)
            {
                case ModuleFlags.Sales:
                    return "Force de vente";
                case ModuleFlags.Service:
                    return "Service client";
                case ModuleFlags.Marketing:
                    return "Marketing";
                default:
                    throw new ArgumentOutOfRangeException(nameof(module), module, "One module: Sales, Service or Marketing.");
            }
        }

        /// <summary>The known module keys, in bit order.</summary>
        public static string[] KeyNames()
        {
            var names = new string[Keys.Length];
            for (int i = 0; i < Keys.Length; i++)
            {
                names[i] = Keys[i].Key;
            }

            return names;
        }

        /// <summary>
        /// Parses a comma-separated list of module keys (sales, service, marketing; ASCII case
        /// ignored, spaces around items ignored, repeats allowed) or the single word "none".
        /// On failure <paramref name="refused"/> is the first item that is not a key.
        /// </summary>
        public static bool TryParseList(string? text, out int flags, out string? refused)
        {
            flags = 0;
            refused = null;
            if (text == null || text.Trim().Length == 0)
            {
                refused = text ?? string.Empty;
                return false;
            }

            string[] items = text.Split(',');
            if (items.Length == 1 && string.Equals(items[0].Trim(), NoneKeyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            foreach (string raw in items)
            {
                string item = raw.Trim();
                int bit = 0;
                foreach (var key in Keys)
                {
                    if (string.Equals(item, key.Key, StringComparison.OrdinalIgnoreCase))
                    {
                        bit = (int)key.Value;
                        break;
                    }
                }

                if (bit == 0)
                {
                    flags = 0;
                    refused = item;
                    return false;
                }

                flags |= bit;
            }

            return true;
        }

        /// <summary>
        /// Reads a stored MC_modules value: ASCII digits only (no sign, no space, leading zeros
        /// allowed) whose number is 0..7. This is the rule dbo.MC_apply_param_MC_modules applies
        /// to a new value; "9", "-1", "3 ", "trois" and "" are refused.
        /// </summary>
        public static bool TryParseValue(string? value, out int flags)
        {
            flags = 0;
            if (string.IsNullOrEmpty(value))
            {
                return false;
            }

            int number = 0;
            foreach (char c in value!)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }

                number = (number * 10) + (c - '0');
                if (number > All)
                {
                    return false;
                }
            }

            flags = number;
            return true;
        }
    }
}
