using System.Collections.Generic;

namespace CrmDb.Clr.Autosync
{
    /// <summary>
    /// The order of hooks that follow the naming pattern: numeric order, label, then schema.
    /// A comparer instance (not a lambda or a static method group) because SQL Server refuses a
    /// SAFE assembly with a static field that is not readonly (Msg 6211), and the C# compiler
    /// caches non-capturing lambdas and, since C# 11, static method groups in such fields.
    /// </summary>
    internal sealed class NamedHookOrder : IComparer<KeyValuePair<HookName, HookProcedure>>
    {
        public int Compare(KeyValuePair<HookName, HookProcedure> a, KeyValuePair<HookName, HookProcedure> b)
        {
            int result = HookName.Compare(a.Key, b.Key);
            return result != 0 ? result : string.CompareOrdinal(a.Value.Schema, b.Value.Schema);
        }
    }

    /// <summary>The order of names off the pattern: name, then schema (a comparer instance, see <see cref="NamedHookOrder"/>).</summary>
    internal sealed class OffPatternHookOrder : IComparer<HookProcedure>
    {
        public int Compare(HookProcedure? a, HookProcedure? b)
        {
            int result = string.CompareOrdinal(a!.Name, b!.Name);
            return result != 0 ? result : string.CompareOrdinal(a.Schema, b.Schema);
        }
    }
}
