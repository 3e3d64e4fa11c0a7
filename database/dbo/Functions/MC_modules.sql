/*
MC_modules: the Sage 100c CRM modules deployed, from the MC_modules global parameter
(docs/design.md decision 5): bit 1 sales (Force de vente), 2 service (Service client),
4 marketing. NULL when the parameter is absent or is not an integer 0..7.

Plain T-SQL on purpose (no CLR): Sage CRM evaluates tab, button and field SQL clauses that call
it on every page, and they must keep working where CLR is disabled. New values are checked by
dbo.MC_apply_param_MC_modules with the shared C# rule (CrmDb.Clr.Modules.TryParseValue: ASCII
digits only, 0..7); this function reads with the same rule, so that a value written around
MC_setsysparams (' 3', '+3', '') reads as NULL rather than as something the curative refuses.
The BIN2 collation makes [0-9] mean the ASCII digits whatever the database's collation.

Example
    SELECT dbo.MC_modules() AS Flags, dbo.MC_moduleedition(dbo.MC_modules()) AS Edition;

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_modules ()
RETURNS int
AS
BEGIN
    DECLARE @Value nvarchar(max) = dbo.MC_getsysparam(N'MC_modules');
    DECLARE @Flags int = CASE
        WHEN DATALENGTH(@Value) > 0 AND @Value COLLATE Latin1_General_BIN2 NOT LIKE N'%[^0-9]%' THEN TRY_CONVERT(int, @Value)
    END;

    RETURN CASE WHEN @Flags BETWEEN 0 AND 7 THEN @Flags END;
END;
