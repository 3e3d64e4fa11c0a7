/*
MC_unknownintegration: the parameter problem of an @ErpIntegrationID that names no integration of
dbo.MC_Integration, in French, listing the known ones so that the reader can pick the right
number: one row (Message) when the number is unknown, none when it exists or is NULL.
The AUTOSYNC procedures collect it with their other parameter problems
(dbo.MC_raiseparametererrors).

Parameters
    @ErpIntegrationID int  the number given

Example
    INSERT @Errors (Message)
    SELECT u.Message FROM dbo.MC_unknownintegration(@ErpIntegrationID) AS u;

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_unknownintegration (@ErpIntegrationID int)
RETURNS TABLE
AS
RETURN
    SELECT Message = LEFT(CONCAT(
               N'@ErpIntegrationID = ', @ErpIntegrationID,
               N' : aucune intégration de ce numéro dans dbo.MC_Integration. Intégrations connues : ',
               -- nvarchar(max) items: STRING_AGG of shorter text stops at 8,000 bytes (error 9829).
               ISNULL((SELECT STRING_AGG(CONVERT(nvarchar(max), CONCAT(k.ErpIntegrationID, N' (', k.Name, N')')), N', ')
                               WITHIN GROUP (ORDER BY k.ErpIntegrationID)
                       FROM dbo.MC_Integration AS k), N'aucune (crmdb integration add)'),
               N'.'), 2000)
    WHERE @ErpIntegrationID IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dbo.MC_Integration AS i WHERE i.ErpIntegrationID = @ErpIntegrationID);
