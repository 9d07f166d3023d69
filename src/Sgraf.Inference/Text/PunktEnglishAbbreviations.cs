namespace Sgraf.Inference.Text;

/// <summary>
/// The abbreviation types of NLTK's pretrained English Punkt model (<c>tokenizers/punkt/english.pickle</c>,
/// <c>_params.abbrev_types</c>), lowercase and without their final period. Punkt learned them from news text,
/// hence the states and company suffixes; single letters are there too. The ". . " entry is real: Punkt's word
/// tokenizer keeps a spaced ellipsis ". . ." as one token, and this entry stops it from ending a sentence.
/// </summary>
internal static class PunktEnglishAbbreviations
{
    public static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "w.c", "ala", "w.r", "colo", "w.w", "ga", "s.a.y", "c.o.m.b", "aug", "wed", "jan", "lt", "adm", "oct",
        "reps", "nov", "yr", "dr", "gen", "w.va", "d.c", "d", "h", "tues", "p", "ph.d", "t", "r.k", "s.g", "r.i",
        "r.h", "s.c", "sep", "r.a", "m.b.a", "l", "p.a.m", "sen", "r.t", "h.c", "tenn", "h.f", "rep", "n.h", "h.m",
        "a.m.e", "nev", "prof", "calif", "a.d", "n.m", "a.g", "a.a", "a.c", "a.m", "n.d", "n.c", "jr", "l.p", "a.t",
        "corp", "n.y", "s.p.a", "n.v", "u.s.s.r", "ore", "c", "ok", "g", "e.h", "k", "e.l", "e.m", "s", "w", "ltd",
        "c.i.t", "sept", "col", "i.m.s", "okla", "co", "r.j", "a.s", "wash", "wis", "ct", "ariz", "l.f", "feb",
        "chg", "fri", "s.a", "pa", "s.s", "n.j", "cos", ". . ", "u.s.a", "mich", "mg", "e.f", "cie", "f", "n", "r",
        "ms", "mr", "fla", "p.m", "dec", "ill", "m.d.c", "va", "v", "minn", "m", "bros", "d.h", "vs", "vt", "ave",
        "mrs", "conn", "inc", "u.s", "d.w", "f.g", "g.f", "g.d", "messrs", "g.k", "u.k", "f.j", "u.n", "t.j", "j.r",
        "j.p", "ft", "kan", "j.c", "j.b", "m.j", "a.h", "j.k", "j.j", "maj", "l.a", "c.v", "e", "sr", "sw", "b.v",
        "st", "ky", "b.f",
    };
}
