namespace CrmDb.Clr.Deployment.Verification;

/// <summary>Where a finding comes from when the compiler, not the source, made it.</summary>
public enum ClrFindingHint
{
    /// <summary>Nothing to add.</summary>
    None,

    /// <summary>The C# compiler's cache of a non-capturing lambda (a &lt;&gt;9__ field of &lt;&gt;c): use a comparer or other instance.</summary>
    LambdaCache,

    /// <summary>The C# 11+ cache of a static method group (a field of &lt;&gt;O): use new Comparison&lt;T&gt;(...) of an instance or a comparer class.</summary>
    MethodGroupCache,

    /// <summary>The backing field of a static auto-property with a setter.</summary>
    AutoPropertyBackingField,
}
