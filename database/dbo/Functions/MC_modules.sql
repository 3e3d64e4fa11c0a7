/*
MC_modules: the Sage 100c CRM modules deployed, from the MC_modules global parameter
(DESIGN.md decision 5): bit 1 sales (Force de vente), 2 service (Service client),
4 marketing. NULL when the parameter is absent or is not an integer 0..7.

Plain T-SQL on purpose (no CLR): Sage CRM evaluates tab, button and field SQL clauses that call
it on every page, and it must keep working where CLR is disabled. New values are validated
by dbo.MC_apply_param_MC_modules (the shared C# rule); this function only reads the number.

Example
    SELECT dbo.MC_modules() AS Flags, dbo.MC_moduleedition(dbo.MC_modules()) AS Edition;

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_modules ()
RETURNS int
AS
BEGIN
    DECLARE @Flags int = TRY_CONVERT(int, dbo.MC_getsysparam(N'MC_modules'));

    RETURN CASE WHEN @Flags BETWEEN 0 AND 7 THEN @Flags END;
END;
