-- Sage CRM companies (vendor table, reference only).
CREATE TABLE dbo.Company
(
    Comp_CompanyId         int           NOT NULL,
    Comp_Name              nvarchar(69)  NULL,
    Comp_PrimaryAccountId  int           NULL,
    Comp_Deleted           tinyint       NULL,
    Comp_CreatedBy         int           NULL,
    Comp_CreatedDate       datetime      NULL,
    Comp_UpdatedBy         int           NULL,
    Comp_UpdatedDate       datetime      NULL,
    Comp_TimeStamp         datetime      NULL,
    comp_intforeignid      nvarchar(255) NULL,
    comp_intid             int           NULL,
    comp_intlastsyncdate   datetime      NULL,
    CONSTRAINT PK_Company PRIMARY KEY CLUSTERED (Comp_CompanyId)
);
