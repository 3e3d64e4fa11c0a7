/*
MC_replicationfunctions: the allow-list of dbo.MC_ReplicationFunction as the REPLI value check
(dbo.MC_replivalueproblem) takes it: schema.name entries separated by commas, or NULL when the
list is empty (then a value may call built-ins only).

Example
    SELECT dbo.MC_replivalueproblem(N'dbo.FCT_condpaiement(CT_Num)', dbo.MC_replicationfunctions());

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_replicationfunctions ()
RETURNS nvarchar(max)
AS
BEGIN
    DECLARE @List nvarchar(max);
    SELECT @List = STRING_AGG(CONVERT(nvarchar(max), F.FunctionName), N',') WITHIN GROUP (ORDER BY F.FunctionName)
    FROM dbo.MC_ReplicationFunction AS F;
    RETURN @List;
END;
