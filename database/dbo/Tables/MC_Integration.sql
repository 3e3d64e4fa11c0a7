/*
MC_Integration: one row per Sage CRM / GesCom integration ("fiche intégration") that CrmDb
serves: where its GesCom database is, whether its cycles run the AUTOSYNC hooks, and the
replication watermark (cbReplication) at which its next cycle starts.
GesComServer is empty when GesCom is on the CRM's own instance (three-part names); otherwise
it names a linked server (four-part names). See docs/design.md decisions 1 and 3.
*/
CREATE TABLE dbo.MC_Integration
(
    ErpIntegrationID  int           NOT NULL,
    Name              nvarchar(100) NOT NULL,
    GesComServer      nvarchar(128) NOT NULL CONSTRAINT DF_MC_Integration_GesComServer DEFAULT (N''),
    GesComDatabase    nvarchar(128) NOT NULL,
    IsActive          bit           NOT NULL CONSTRAINT DF_MC_Integration_IsActive DEFAULT (1),
    LastToken         int           NULL,
    LastStatus        nvarchar(10)  NULL,
    LastRunAt         datetime2(3)  NULL,
    CreatedAt         datetime2(3)  NOT NULL CONSTRAINT DF_MC_Integration_CreatedAt DEFAULT (SYSDATETIME()),
    CONSTRAINT PK_MC_Integration PRIMARY KEY CLUSTERED (ErpIntegrationID),
    CONSTRAINT CK_MC_Integration_GesComDatabase CHECK (LEN(GesComDatabase) > 0),
    CONSTRAINT CK_MC_Integration_LastStatus CHECK (LastStatus IN (N'success', N'fail', N'warning'))
);
