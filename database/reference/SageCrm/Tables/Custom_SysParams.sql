-- Sage CRM global variables (vendor table, reference only). Only the columns CrmDb uses are
-- described; the real table has more, and its key and types are not public: these are the
-- widest types seen in the field.
CREATE TABLE dbo.Custom_SysParams
(
    Parm_ParmId     int IDENTITY(1, 1) NOT NULL,
    Parm_Name       nvarchar(100)      NULL,
    Parm_Value      nvarchar(max)      NULL,
    Parm_Component  nvarchar(40)       NULL,
    Parm_Deleted    tinyint            NULL,
    Parm_CreatedBy  int                NULL,
    Parm_CreatedDate datetime          NULL,
    Parm_UpdatedBy  int                NULL,
    Parm_UpdatedDate datetime          NULL,
    Parm_TimeStamp  datetime           NULL,
    CONSTRAINT PK_Custom_SysParams PRIMARY KEY CLUSTERED (Parm_ParmId)
);
