/*
MC_hasmodule: 1 when every module bit in @flags is set in MC_modules, else 0.

For Sage CRM SQL clauses that show a tab, a button or a field only for an edition
(docs/sysparams.md): dbo.MC_hasmodule(2) = 1 shows it with Service client.
@flags is 1..7 (1 sales, 2 service, 4 marketing, added up: 3 = sales and service); NULL, 0,
negative or above 7 give 0, and so does an absent or unreadable MC_modules.

Parameters
    @flags int  the bits that must all be set

Example
    SELECT dbo.MC_hasmodule(1) AS Sales, dbo.MC_hasmodule(3) AS SalesAndService;

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_hasmodule
(
    @flags int
)
RETURNS bit
AS
BEGIN
    DECLARE @Modules int = dbo.MC_modules();

    RETURN CASE
        WHEN @Modules IS NOT NULL AND @flags BETWEEN 1 AND 7 AND (@Modules & @flags) = @flags THEN CAST(1 AS bit)
        ELSE CAST(0 AS bit)
    END;
END;
