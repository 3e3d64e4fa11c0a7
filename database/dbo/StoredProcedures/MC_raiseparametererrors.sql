/*
MC_raiseparametererrors: how the AUTOSYNC procedures refuse their parameters, in the manner of
Ola Hallengren's procedures: the caller collects every problem first, then hands them all here,
and they are raised together, as ONE error of severity 16 listing each problem on its own line,
followed by the way to the usage. The caller then returns its "invalid parameters" code; nothing
has run.

One error rather than one per problem: a caller inside TRY/CATCH (dbo.MC_traceautosync calling
dbo.MC_runautosync, a job step's own TRY) only ever sees the first error raised, and it must see
every problem. RAISERROR rather than THROW: it does not doom a caller's transaction under
XACT_ABORT. RAISERROR takes at most 2,047 characters: a longer list is printed in full first
(dbo.MC_print, never cut), and the error carries its beginning.

Parameters
    @Procedure sysname        the refusing procedure, as named in its @Help line: N'MC_runautosync'
    @Errors    nvarchar(max)  the problems, one per line, each naming its parameter and the
                              allowed values; NULL or empty raises nothing

Example (in a procedure that collected its problems in @Errors)
    SET @Message = (SELECT STRING_AGG(CONVERT(nvarchar(max), e.Message), NCHAR(10)) WITHIN GROUP (ORDER BY e.ID) FROM @Errors AS e);
    EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_runautosync', @Errors = @Message;
    RETURN 2;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_raiseparametererrors
    @Procedure sysname,
    @Errors    nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;

    IF @Errors IS NULL OR @Errors = N''
        RETURN 0;

    DECLARE @NewLine nchar(1) = NCHAR(10);
    DECLARE @Text nvarchar(max) = CONCAT(
        @Procedure, N' : paramètres invalides, rien n''a été exécuté.', @NewLine,
        @Errors, @NewLine,
        N'Aide : EXEC dbo.', @Procedure, N' @Help = 1;');
    DECLARE @Raised nvarchar(2047) = @Text;

    IF LEN(@Text) > 2047
    BEGIN
        EXEC dbo.MC_print @Message = @Text;
        SET @Raised = CONCAT(LEFT(@Text, 2000), N'… (liste complète ci-dessus)');
    END;

    -- The text is an argument of '%s': a % in a value is printed as it is.
    RAISERROR(N'%s', 16, 1, @Raised) WITH NOWAIT;
    RETURN 1;
END;
