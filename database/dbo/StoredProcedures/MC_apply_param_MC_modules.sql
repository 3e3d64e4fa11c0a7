/*
MC_apply_param_MC_modules: the curative procedure that dbo.MC_setsysparams runs after
writing MC_modules (docs/design.md decisions 5 and 6). It accepts only an integer 0..7, the sum of
1 (Force de vente), 2 (Service client) and 4 (Marketing), written in ASCII digits without sign
or spaces (dbo.MC_modulesvalue, the C# rule crmdb shares). Anything else raises an error, so
MC_setsysparams keeps nothing: EXEC MC_setsysparams 'MC_modules', '9' leaves the old value.
On success it prints the edition now recorded.

RAISERROR, not THROW: the error must leave a caller's transaction committable, so that
MC_setsysparams can roll back to its savepoint.

Parameters
    @value          nvarchar(max)  the new MC_modules value
    @previous_value nvarchar(max)  the value before (NULL: absent); shown only

Example
    EXEC dbo.MC_setsysparams @name = N'MC_modules', @value = N'3';   -- Duo

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_apply_param_MC_modules
    @value          nvarchar(max),
    @previous_value nvarchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @Flags int = dbo.MC_modulesvalue(@value);
    DECLARE @Shown nvarchar(60) = CASE
        WHEN @value IS NULL THEN N'NULL'
        WHEN LEN(@value) > 50 THEN LEFT(@value, 50) + N'…'
        ELSE @value
    END;

    IF @Flags IS NULL
    BEGIN
        RAISERROR(N'MC_modules : « %s » refusé. Valeur attendue : un entier de 0 à 7 en chiffres, somme de 1 (Force de vente), 2 (Service client) et 4 (Marketing) ; par exemple 3 pour Duo. Avec crmdb : crmdb modules set sales,service.', 16, 1, @Shown);
        RETURN 1;
    END;

    DECLARE @Message nvarchar(400) = N'Modules Sage 100c CRM : ' + CONVERT(nvarchar(12), @Flags) + N' = ' + dbo.MC_moduleedition(@Flags)
        + CASE WHEN dbo.MC_modulesvalue(@previous_value) IS NOT NULL AND dbo.MC_modulesvalue(@previous_value) <> @Flags
               THEN N' (auparavant : ' + dbo.MC_moduleedition(dbo.MC_modulesvalue(@previous_value)) + N').'
               ELSE N'.'
          END;
    EXEC dbo.MC_print @Message = @Message;
    RETURN 0;
END;
