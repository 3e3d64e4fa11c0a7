using System.Text;

namespace CrmDb.Benchmarks;

/// <summary>
/// One generated script of the splitter benchmark: what it stresses, and how it is written.
/// Only constructs that DbUp and sqlcmd split alike, so that the batch counts compare.
/// </summary>
internal sealed class SplitterCorpus(string name, string description, string newLine, Func<Random, StringBuilder, int, long, bool> batch)
{
    /// <summary>The five corpora: many small batches, few huge ones, long strings, nested comments, CRLF.</summary>
    public static IReadOnlyList<SplitterCorpus> All { get; } =
    [
        new("small", "many small batches (procedures, INSERTs, UPDATEs with comments and strings), LF", "\n", Small),
        new("huge", "four huge batches (multi-row INSERTs), LF", "\n", Huge),
        new("strings", "long string literals holding GO lines, '' quotes, -- and /*, LF", "\n", Strings),
        new("comments", "nested block comments holding GO lines and quotes, LF", "\n", Comments),
        new("crlf", "the small batches with CRLF line ends", "\r\n", Small),
    ];

    /// <summary>The name given to --corpus.</summary>
    public string Name => name;

    /// <summary>One line on what it holds.</summary>
    public string Description => description;

    /// <summary>Writes at least <paramref name="size"/> bytes of UTF-8 to <paramref name="path"/>; the number of batches.</summary>
    public long Write(string path, long size)
    {
        var random = new Random(42);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = newLine };
        var text = new StringBuilder();
        long written = 0;
        long batches = 0;
        bool more = true;
        while (more && written < size)
        {
            text.Clear();
            more = batch(random, text, (int)batches, size);
            text.Append("GO\n\n");
            string chunk = newLine == "\n" ? text.ToString() : text.Replace("\n", newLine).ToString();
            writer.Write(chunk);
            written += Encoding.UTF8.GetByteCount(chunk);
            batches++;
        }

        return batches;
    }

    private static bool Small(Random random, StringBuilder batch, int n, long size)
    {
        switch (random.Next(3))
        {
            case 0:
                batch.Append("/* Procédure ").Append(n).Append(" /* commentaire imbriqué */\nGO dans un commentaire\n*/\n");
                batch.Append("CREATE PROCEDURE dbo.[MC_test_").Append(n).Append("] @Id int, @Texte nvarchar(200) = N'GO'\nAS\nBEGIN\n    SET NOCOUNT ON; -- don't count\n");
                for (int i = 0; i < 12; i++)
                {
                    batch.Append("    UPDATE dbo.[Order Details] SET [Note ]]x] = N'it''s ").Append(random.Next()).Append("', Qty = Qty + ").Append(i).Append(" WHERE Id = @Id; /* étape ").Append(i).Append(" */\n");
                }

                batch.Append("    SELECT N'--', N'/*', [GO] FROM dbo.T WHERE Texte = @Texte;\nEND;\n");
                break;
            case 1:
                batch.Append("INSERT INTO dbo.Tiers (CT_Num, CT_Intitule, CT_Ville) VALUES\n");
                for (int i = 0; i < 25; i++)
                {
                    batch.Append("  (N'C").Append(random.Next(100000, 999999)).Append("', N'Société d''essai ").Append(i).Append("', N'Saint-Étienne')").Append(i < 24 ? ",\n" : ";\n");
                }

                break;
            default:
                batch.Append("-- mise à jour ").Append(n).Append("\nUPDATE a\nSET a.acc_numpayeur_repli = g.CT_NumPayeur -- réplication\nFROM dbo.Account AS a\nJOIN [BIJOU].dbo.F_COMPTET AS g ON a.acc_erp_account_id = g.CT_Num\nWHERE g.cbReplication >= 1000 AND g.CT_Intitule <> N'GO';\n");
                break;
        }

        return true;
    }

    private static bool Huge(Random random, StringBuilder batch, int n, long size)
    {
        batch.Append("INSERT INTO dbo.[Grande Table] (Id, Texte) VALUES\n");
        long rows = size / 4 / 90;
        for (long i = 0; i < rows; i++)
        {
            batch.Append("  (").Append(i).Append(", N'ligne ").Append(random.Next()).Append(" : l''élan -- pas un commentaire /* ni ça */ GO'),\n");
        }

        batch.Append("  (-1, N'fin');\n");
        return n < 3;
    }

    private static bool Strings(Random random, StringBuilder batch, int n, long size)
    {
        batch.Append("INSERT INTO dbo.Modeles (Id, Corps) VALUES (").Append(n).Append(", N'Début du modèle ").Append(n).Append('\n');
        for (int i = 0; i < 200; i++)
        {
            switch (i % 4)
            {
                case 0:
                    batch.Append("GO\n");
                    break;
                case 1:
                    batch.Append("  l''article ").Append(random.Next()).Append(" « cité » -- pas un commentaire /* ni ça\n");
                    break;
                case 2:
                    batch.Append("GO 5\n");
                    break;
                default:
                    batch.Append("  [crochets] \"guillemets\" ''''doublés'''' fin de ligne ").Append(i).Append('\n');
                    break;
            }
        }

        batch.Append("');\n");
        return true;
    }

    private static bool Comments(Random random, StringBuilder batch, int n, long size)
    {
        batch.Append("/* en-tête ").Append(n).Append('\n');
        for (int i = 0; i < 40; i++)
        {
            batch.Append("   /* niveau 2 ").Append(random.Next()).Append("\nGO\n      /* niveau 3 : l'apostrophe ' seule, GO 2\nGO\n      */\n   */\n");
        }

        batch.Append("*/\nSELECT N'fin ").Append(n).Append("' AS [Texte]; /* /* */ */\n");
        return true;
    }
}
