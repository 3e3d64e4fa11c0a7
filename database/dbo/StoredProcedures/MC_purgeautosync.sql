/*
MC_purgeautosync: deletes the AUTOSYNC journal older than a number of days: runs of
dbo.MC_AutosyncRun started before the limit with their steps (ON DELETE CASCADE), and statements
run outside any cycle (dbo.MC_AutosyncStep with no RunID). Deletes by batches of 5,000 rows so
that the log stays small (SIMPLE recovery).

Parameters
    @DaysToKeep int   days of journal to keep, 0 or more. Required.
    @Help       bit   1: print this usage.

Example (a weekly SQL Agent job)
    EXEC dbo.MC_purgeautosync @DaysToKeep = 30;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_purgeautosync
    @DaysToKeep int = NULL,
    @Help       bit = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @Message nvarchar(max);

    IF @Help = 1 OR @DaysToKeep IS NULL OR @DaysToKeep < 0
    BEGIN
        SET @Message = N'MC_purgeautosync 1.0.0 : supprime le journal AUTOSYNC (dbo.MC_AutosyncRun, dbo.MC_AutosyncStep) plus ancien que @DaysToKeep jours.'
            + NCHAR(10) + N'EXEC dbo.MC_purgeautosync @DaysToKeep = 30;  -- 0 ou plus';
        EXEC dbo.MC_print @Message = @Message;
        IF @Help = 1
            RETURN 0;

        SET @Message = CONCAT(N'@DaysToKeep = ', ISNULL(CONVERT(nvarchar(11), @DaysToKeep), N'NULL'), N' : donnez un nombre de jours, 0 ou plus.');
        RAISERROR(N'%s', 16, 1, @Message) WITH NOWAIT;
        RETURN 2;
    END;

    DECLARE @Before datetime2(3) = DATEADD(DAY, -@DaysToKeep, SYSDATETIME());
    DECLARE @Runs int = 0;
    DECLARE @Statements int = 0;
    DECLARE @Batch int = 1;

    WHILE @Batch > 0
    BEGIN
        DELETE TOP (5000) FROM dbo.MC_AutosyncRun WHERE StartTime < @Before;
        SET @Batch = @@ROWCOUNT;
        SET @Runs += @Batch;
    END;

    SET @Batch = 1;
    WHILE @Batch > 0
    BEGIN
        DELETE TOP (5000) FROM dbo.MC_AutosyncStep WHERE RunID IS NULL AND StartTime < @Before;
        SET @Batch = @@ROWCOUNT;
        SET @Statements += @Batch;
    END;

    SET @Message = CONCAT(N'Journal AUTOSYNC purgé avant le ', CONVERT(nvarchar(19), @Before, 120), N' : ', @Runs, N' cycle(s) avec leurs étapes, ',
        @Statements, N' requête(s) hors cycle.');
    EXEC dbo.MC_print @Message = @Message;
    RETURN 0;
END;
