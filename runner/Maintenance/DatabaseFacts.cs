namespace CrmDb.Runner.Maintenance;

/// <summary>
/// What the engine says about one database, the inputs of the plan's decisions: read from
/// sys.databases and sys.master_files (the primary data file's differential_base_lsn and
/// differential_base_guid: NULL when there is no base for a differential; msdb history is not
/// consulted, it may have been purged or describe a restored copy).
/// </summary>
/// <param name="Name">The database.</param>
/// <param name="RecoveryModel">SIMPLE, FULL or BULK_LOGGED (sys.databases.recovery_model_desc).</param>
/// <param name="HasDifferentialBase">A full backup exists that a differential can be based on.</param>
/// <param name="State">sys.databases.state_desc.</param>
/// <param name="IsReadOnly">sys.databases.is_read_only.</param>
public sealed record DatabaseFacts(string Name, string RecoveryModel, bool HasDifferentialBase, string State = "ONLINE", bool IsReadOnly = false);
