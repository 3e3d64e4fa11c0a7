-- Sage CRM accounts, the CRM side of GesCom tiers (vendor table, reference only).
-- acc_erp_account_id holds the GesCom CT_Num; acc_*_repli columns are added by integrators
-- (the two below are the guide's examples and serve the tests).
CREATE TABLE dbo.Account
(
    Acc_AccountId        int           NOT NULL,
    Acc_PrimaryUserId    int           NULL,
    Acc_ChannelId        int           NULL,
    Acc_Secterr          int           NULL,
    Acc_CreatedBy        int           NULL,
    Acc_CreatedDate      datetime      NULL,
    Acc_UpdatedBy        int           NULL,
    Acc_UpdatedDate      datetime      NULL,
    Acc_TimeStamp        datetime      NULL,
    Acc_Deleted          tinyint       NULL,
    acc_erp_account_id   nvarchar(17)  NULL,
    acc_numpayeur_repli  nvarchar(17)  NULL,
    acc_numprinc_repli   nvarchar(13)  NULL,
    acc_condpaiement_repli nvarchar(max) NULL,
    CONSTRAINT PK_Account PRIMARY KEY CLUSTERED (Acc_AccountId)
);
