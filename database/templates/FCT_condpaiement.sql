/*
FCT_condpaiement: the payment terms of one GesCom tiers as one line of text, for instance
    Chèque : 30 jours fin de mois (50.00 %), Virement : 60 jours nets (solde)
Template object (database/templates/): `crmdb run` expands its #F_/#P_ tokens for each
integration (docs/design.md decision 3) and deploys it into the CRM database; it is not part of the
CrmDb.dacpac model.

It is the guide's example for the replicated field REPLI_acc_condpaiement_repli, declared in
Custom_SysParams with the value
    dbo.FCT_condpaiement(CT_Num)
so that each cycle of MC_runautosync writes the text into Account.acc_condpaiement_repli
(docs/replication.md). The guide's own sample is not valid T-SQL and names no real table
(its F_REGLEMENT token): the payment terms of a tiers are in F_REGLEMENTT, the payment methods in
P_REGLEMENT.

Parameters
    @CT_Num varchar(17)  the tiers number (F_COMPTET.CT_Num); same type as the GesCom column,
                         so that the lookup seeks on F_REGLEMENTT.CT_Num without conversion.

Returns nvarchar(max): one part per F_REGLEMENTT row of the tiers, ordered by RT_NbJour (then
by row, so that the text is stable), separated by ', '; NULL when the tiers has no payment term.
Each part is "<payment method> : <days> <condition>" then the share in parentheses:
    RT_Condition  0 -> "jours nets" (net days), 1 -> "jours fin de mois civil" (end of calendar
                  month), any other value -> "jours fin de mois" (end of month)
    RT_NbJour     the number of days
    RT_TRepart    0 -> RT_VRepart is a percentage, 1 -> the balance ("solde"), any other
                  value -> RT_VRepart is an amount
A payment method whose P_REGLEMENT slot is missing or unused (R_Intitule = '') reads
"Mode <N_Reglement>".

Example
    SELECT dbo.FCT_condpaiement('CL0001');

Version 1.0.0
*/
CREATE OR ALTER FUNCTION dbo.FCT_condpaiement (@CT_Num varchar(17))
RETURNS nvarchar(max)
AS
BEGIN
    RETURN
    (
        SELECT STRING_AGG(
                   CONVERT(nvarchar(max), CONCAT(
                       COALESCE(NULLIF(P.R_Intitule, ''), CONCAT(N'Mode ', R.N_Reglement)),
                       N' : ',
                       R.RT_NbJour,
                       CASE R.RT_Condition
                           WHEN 0 THEN N' jours nets'
                           WHEN 1 THEN N' jours fin de mois civil'
                           ELSE N' jours fin de mois'
                       END,
                       CASE R.RT_TRepart
                           WHEN 0 THEN CONCAT(N' (', CONVERT(decimal(9, 2), R.RT_VRepart), N' %)')
                           WHEN 1 THEN N' (solde)'
                           ELSE CONCAT(N' (', CONVERT(decimal(24, 2), R.RT_VRepart), N')')
                       END)),
                   N', ')
               WITHIN GROUP (ORDER BY R.RT_NbJour, R.cbMarq)
        FROM #F_REGLEMENTT# AS R
        LEFT OUTER JOIN #P_REGLEMENT# AS P
            ON P.cbIndice = R.N_Reglement
        WHERE R.CT_Num = @CT_Num
    );
END;
