/*
MC_getsysparam: the live value of a Sage CRM global parameter (Custom_SysParams row whose
Parm_Deleted IS NULL), or NULL when there is none.

The name is compared with the column's own collation, as Sage CRM compares it (case-insensitive
on the usual French_CI_AS). Several live rows with one name are a damaged table that
MC_setsysparams refuses to write to; this function returns NULL for them rather than one of
the values at random.

Parameters
    @name nvarchar(4000)  the parameter's name, e.g. N'cleanUrl'

Example
    SELECT dbo.MC_getsysparam(N'MC_modules');

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_getsysparam
(
    @name nvarchar(4000)
)
RETURNS nvarchar(max)
AS
BEGIN
    DECLARE @Value nvarchar(max);
    DECLARE @Rows int;

    -- MAX() refuses ntext (Msg 8117); Parm_Value is ntext in some Sage versions.
    SELECT @Rows = COUNT(*), @Value = MAX(CONVERT(nvarchar(max), Parm_Value))
    FROM dbo.Custom_SysParams
    WHERE Parm_Name = @name
      AND Parm_Deleted IS NULL;

    RETURN CASE WHEN @Rows = 1 THEN @Value END;
END;
