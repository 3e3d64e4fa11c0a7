namespace CrmDb.Clr.Doctor
{
    /// <summary>
    /// One check of the doctor's catalogue (<see cref="DoctorCatalog"/>): a stable id (DOC-xxx), a
    /// priority in sp_Blitz's manner (1 most urgent ... 250 information), an area, and its texts in
    /// French and English. docs/doctor.md has a section per id, at <see cref="Anchor"/>.
    /// </summary>
    public sealed class DoctorCheck
    {
        /// <summary>Creates a check.</summary>
        public DoctorCheck(string id, int priority, string area, string titleFr, string titleEn, string meaningFr, string meaningEn, string fixFr, string fixEn)
        {
            Id = id;
            Priority = priority;
            Area = area;
            TitleFr = titleFr;
            TitleEn = titleEn;
            MeaningFr = meaningFr;
            MeaningEn = meaningEn;
            FixFr = fixFr;
            FixEn = fixEn;
        }

        /// <summary>DOC-xxx.</summary>
        public string Id { get; }

        /// <summary>1 most urgent ... 250 information.</summary>
        public int Priority { get; }

        /// <summary>Connection, Instance, Database, CrmDb, Integration, GesCom or Exchange.</summary>
        public string Area { get; }

        /// <summary>The title in French.</summary>
        public string TitleFr { get; }

        /// <summary>The title in English.</summary>
        public string TitleEn { get; }

        /// <summary>What the finding means, in French.</summary>
        public string MeaningFr { get; }

        /// <summary>What the finding means, in English.</summary>
        public string MeaningEn { get; }

        /// <summary>How to fix it, in French.</summary>
        public string FixFr { get; }

        /// <summary>How to fix it, in English.</summary>
        public string FixEn { get; }

        /// <summary>The anchor of its section in docs/doctor.md ("doc-101").</summary>
        public string Anchor => Id.ToLowerInvariant();

        /// <summary>Where its section is, relative to the repository and the installed tool's docs.</summary>
        public string Url => "docs/doctor.md#" + Anchor;

        /// <summary>The title in <paramref name="english"/> or French.</summary>
        public string Title(bool english) => english ? TitleEn : TitleFr;

        /// <summary>The meaning in <paramref name="english"/> or French.</summary>
        public string Meaning(bool english) => english ? MeaningEn : MeaningFr;

        /// <summary>The fix in <paramref name="english"/> or French.</summary>
        public string Fix(bool english) => english ? FixEn : FixFr;
    }
}
