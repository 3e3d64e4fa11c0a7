/*
MC_replidescribe: compiles one REPLI check text (dbo.MC_replicheck) without running it and returns
the first compilation error, or NULL when it compiles. sys.dm_exec_describe_first_result_set, the
function form of sp_describe_first_result_set, returns a compile error as a row instead of raising
it, so that the caller's transaction is never doomed ("sys.dm_exec_describe_first_result_set
(Transact-SQL)"). dbo.MC_replicate calls it only for the fields whose validation fingerprint changed
(docs/replication.md, "Validation fingerprint"); one procedure, so that the tSQLt tests count the
compilations (SpyProcedure).

Parameters
    @Check  nvarchar(max)            the text to compile (a SELECT over the integration's F_COMPTET)
    @Error  nvarchar(2048) OUTPUT    the engine's message, NULL when the text compiles

Example
    DECLARE @Error nvarchar(2048);
    EXEC dbo.MC_replidescribe @Check = N'SELECT G.CT_Num FROM [BIJOU].dbo.F_COMPTET AS G;', @Error = @Error OUTPUT;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_replidescribe
    @Check nvarchar(max),
    @Error nvarchar(2048) = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;

    SET @Error = NULL;
    SELECT TOP (1) @Error = D.error_message
    FROM sys.dm_exec_describe_first_result_set(@Check, NULL, 0) AS D
    WHERE D.error_number IS NOT NULL;
END;
