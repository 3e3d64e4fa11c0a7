namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// The values of .NET Framework's System.Security.Permissions.HostProtectionResource (same bits),
/// which HostProtectionAttribute names on the members of the framework's libraries.
/// </summary>
[Flags]
public enum HostProtectionResources
{
    /// <summary>No resource.</summary>
    None = 0,

    /// <summary>Synchronization between threads (Monitor, lock, Mutex, ...).</summary>
    Synchronization = 0x1,

    /// <summary>Shared state (static caches and the like).</summary>
    SharedState = 0x2,

    /// <summary>Control of other processes.</summary>
    ExternalProcessMgmt = 0x4,

    /// <summary>Control of the host process itself.</summary>
    SelfAffectingProcessMgmt = 0x8,

    /// <summary>Threads other than the caller's.</summary>
    ExternalThreading = 0x10,

    /// <summary>The caller's own thread.</summary>
    SelfAffectingThreading = 0x20,

    /// <summary>Security infrastructure.</summary>
    SecurityInfrastructure = 0x40,

    /// <summary>User interface.</summary>
    UI = 0x80,

    /// <summary>Resources that may leak when the thread is aborted.</summary>
    MayLeakOnAbort = 0x100,

    /// <summary>Every resource.</summary>
    All = 0x1FF,
}

/// <summary>The resources a SAFE assembly may not use ("CLR Integration Programming Model Restrictions", run-time checks).</summary>
public static class SafeForbiddenResources
{
    /// <summary>SharedState, Synchronization, ExternalThreading, ExternalProcessMgmt, MayLeakOnAbort, SecurityInfrastructure, SelfAffectingProcessMgmt, SelfAffectingThreading, UI.</summary>
    public const HostProtectionResources Value =
        HostProtectionResources.SharedState | HostProtectionResources.Synchronization | HostProtectionResources.ExternalThreading
        | HostProtectionResources.ExternalProcessMgmt | HostProtectionResources.MayLeakOnAbort | HostProtectionResources.SecurityInfrastructure
        | HostProtectionResources.SelfAffectingProcessMgmt | HostProtectionResources.SelfAffectingThreading | HostProtectionResources.UI;
}
