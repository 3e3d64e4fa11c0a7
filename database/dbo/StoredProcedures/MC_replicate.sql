/*
MC_replicate: placeholder with the agreed signature, so that MC_runautosync (AUTOSYNC issue)
builds while the replication (REPLI issue) is written on its own branch; that branch replaces
this file with the real procedure before it is merged.
*/
CREATE PROCEDURE dbo.MC_replicate
    @ErpIntegrationID int,
    @tokenAccount     int,
    @Trace            bit = 0,
    @RowsChanged      int = NULL OUTPUT,
    @NewToken         int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET @RowsChanged = 0;
    SET @NewToken = @tokenAccount;
    RETURN 0;
END;
