/*
MC_listautosync: for integrators, the AUTOSYNC hooks of this database as dbo.MC_runautosync sees
them: name, order, label, declared parameters, whether it conforms and runs, or why not, and the
call it gets. The same rules as the runner apply (dbo.MC_autosynchooks), so what this lists is
what a cycle runs.

Parameters
    @ErpIntegrationID int = NULL  check against that integration's values too (a @GesComBaseInt
                                  declared too short for its qualifier) and show the calls with
                                  its values (LastToken, status success); NULL: rules only.
    @Help             bit = 0     1: print this usage.

Result set (one row per procedure named AUTOSYNC% in schema dbo, in run order)
    RunOrder, ProcedureName, HookOrder, Label, Parameters, IsConforming, Reason, CallExample

Example
    EXEC dbo.MC_listautosync @ErpIntegrationID = 1;

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_listautosync
    @ErpIntegrationID int = NULL,
    @Help             bit = 0
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @Message nvarchar(max);
    DECLARE @NewLine nchar(1) = NCHAR(10);

    IF @Help = 1
    BEGIN
        SET @Message = CONCAT(
            N'MC_listautosync 1.0.0 : liste les procédures AUTOSYNC dans l''ordre d''exécution, conformes ou non, et pourquoi.', @NewLine,
            N'EXEC dbo.MC_listautosync @ErpIntegrationID = NULL;  -- un numéro d''intégration : vérifie aussi avec ses valeurs', @NewLine,
            N'Contrat : nom AUTOSYNC_<ordre>_<libellé> (ordre en chiffres ; libellé en lettres, chiffres et _) ; paramètres, tous facultatifs :', @NewLine,
            N'@ErpIntegrationID int, @ErpSyncStatus nvarchar(10) (ou @ErpSymsStatus), @GesComBaseInt nvarchar(300), @tokenAccount int ;', @NewLine,
            N'tout autre paramètre doit avoir une valeur par défaut.');
        EXEC dbo.MC_print @Message = @Message;
        RETURN 0;
    END;

    DECLARE @GesComBaseInt nvarchar(300);
    DECLARE @Token int;
    DECLARE @Status nvarchar(10);
    IF @ErpIntegrationID IS NOT NULL
    BEGIN
        SELECT @GesComBaseInt = dbo.MC_gescomqualifier(i.GesComServer, i.GesComDatabase), @Token = ISNULL(i.LastToken, 0), @Status = N'success'
        FROM dbo.MC_Integration AS i
        WHERE i.ErpIntegrationID = @ErpIntegrationID;

        IF @Status IS NULL
        BEGIN
            SET @Message = (SELECT u.Message FROM dbo.MC_unknownintegration(@ErpIntegrationID) AS u);
            EXEC dbo.MC_raiseparametererrors @Procedure = N'MC_listautosync', @Errors = @Message;
            RETURN 2;
        END;
    END;

    DECLARE @Procedures nvarchar(max) = (SELECT c.Procedures FROM dbo.MC_autosynccatalog() AS c);
    DECLARE @Hooks TABLE
    (
        RunOrder int NOT NULL PRIMARY KEY, ProcedureName nvarchar(128) NOT NULL, HookOrder nvarchar(128) NULL, Label nvarchar(128) NULL,
        Parameters nvarchar(max) NULL, IsConforming bit NOT NULL, Reason nvarchar(max) NULL, CallExample nvarchar(max) NULL
    );

    INSERT @Hooks (RunOrder, ProcedureName, HookOrder, Label, Parameters, IsConforming, Reason, CallExample)
    SELECT h.RunOrder, h.ProcedureName, h.HookOrder, h.Label, h.Parameters, h.IsConforming, h.Reason, h.DisplayStatement
    FROM dbo.MC_autosynchooks(@Procedures, @ErpIntegrationID, @Status, @GesComBaseInt, @Token) AS h;

    SELECT h.RunOrder, h.ProcedureName, h.HookOrder, h.Label, h.Parameters, h.IsConforming, h.Reason, h.CallExample
    FROM @Hooks AS h
    ORDER BY h.RunOrder;

    SET @Message = CONCAT(
        (SELECT COUNT(*) FROM @Hooks), N' procédure(s) AUTOSYNC dans dbo : ',
        (SELECT COUNT(*) FROM @Hooks WHERE IsConforming = 1), N' conforme(s), exécutée(s) en fin de cycle ; ',
        (SELECT COUNT(*) FROM @Hooks WHERE IsConforming = 0), N' non conforme(s), jamais exécutée(s).',
        (SELECT STRING_AGG(CONVERT(nvarchar(max), CONCAT(@NewLine, N'    - ', h.ProcedureName, N' : ', h.Reason)), N'') WITHIN GROUP (ORDER BY h.RunOrder)
         FROM @Hooks AS h WHERE h.IsConforming = 0));
    EXEC dbo.MC_print @Message = @Message;

    RETURN 0;
END;
