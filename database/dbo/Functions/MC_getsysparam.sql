/*
MC_getsysparam: the live value of a Sage CRM global parameter (Custom_SysParams row whose
Parm_Deleted IS NULL), or NULL when there is none.

The name is compared with the column's own collation, as Sage CRM compares it (case-insensitive
on the usual French_CI_AS). Several live rows with one name are a damaged table that
MC_setsysparams refuses to write to; this function returns NULL for them rather than one of
the values at random.

A secret parameter (dbo.MC_issecretname: PASSWORD, PWD, SECRET, TOKEN, APIKEY, CREDENTIAL, or
a marker of dbo.MC_SecretName) reads as ******** for everyone but db_owner: MC_integrator and
MC_support execute this function, and a credential is not theirs to read (docs/security.md).
IS_MEMBER is the reader's ("IS_MEMBER (Transact-SQL)", learn.microsoft.com/sql/t-sql/functions/is-member-transact-sql).

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

    IF @Rows = 1 AND @Value IS NOT NULL AND ISNULL(IS_MEMBER(N'db_owner'), 0) = 0 AND dbo.MC_issecretname(@name) = 1
        RETURN N'********';

    RETURN CASE WHEN @Rows = 1 THEN @Value END;
END;
