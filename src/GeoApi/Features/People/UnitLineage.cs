namespace GridSpatial.GeoApi.Features.People;

/// <summary>Where units went, from the code history (<c>code_registry</c>): a link P → C at
/// version v when C opened at v with P among its predecessors (a split piece, a merged unit), or
/// when P closed before v with C among its successors (P merged into a unit that kept its code).
/// A unit inherits along the links newer than the version a clerk last reviewed it at.</summary>
public sealed class UnitLineage
{
    public sealed record Record(string Code, int ValidFrom, int? ValidTo, IReadOnlyList<string> Predecessors, IReadOnlyList<string> Successors);

    private readonly Dictionary<string, Record> _records;
    private readonly ILookup<string, (string From, int Version)> _into;
    private readonly ILookup<string, (string To, int Version)> _outOf;

    /// <param name="records">The township's code history; only the records of retired codes and of codes
    /// with a link are kept (a current code without one is answered from the current units: most of them).</param>
    public UnitLineage(IEnumerable<Record> records)
    {
        var all = records.ToList();
        var links = new HashSet<(string From, string To, int Version)>();
        foreach (var r in all)
        {
            foreach (var p in r.Predecessors) if (p != r.Code) links.Add((p, r.Code, r.ValidFrom));
            if (r.ValidTo is { } to)
                foreach (var s in r.Successors) if (s != r.Code) links.Add((r.Code, s, to + 1));
        }
        var linked = links.SelectMany(l => new[] { l.From, l.To }).ToHashSet(StringComparer.Ordinal);
        _records = all.Where(r => r.ValidTo is not null || linked.Contains(r.Code)).ToDictionary(r => r.Code, StringComparer.Ordinal);
        //-- Both directions may name one change (a retired code's successor lists it as predecessor): one link, the earlier version.
        var distinct = links.GroupBy(l => (l.From, l.To)).Select(g => (g.Key.From, g.Key.To, Version: g.Min(l => l.Version))).ToList();
        _into = distinct.ToLookup(l => l.To, l => (l.From, l.Version), StringComparer.Ordinal);
        _outOf = distinct.ToLookup(l => l.From, l => (l.To, l.Version), StringComparer.Ordinal);
    }

    /// <summary>Whether the code is retired or linked to another (a current code without links is not held here).</summary>
    public bool Knows(string code) => _records.ContainsKey(code);

    /// <summary>The record of a retired or linked code.</summary>
    public Record? Get(string code) => _records.GetValueOrDefault(code);

    /// <summary>Codes that passed households or land to <paramref name="code"/> after <paramref name="version"/>, in code order.</summary>
    public IReadOnlyList<string> PredecessorsSince(string code, int version) =>
        _into[code].Where(l => l.Version > version).Select(l => l.From).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Codes that took households or land from <paramref name="code"/> after <paramref name="version"/>, in code order.</summary>
    public IReadOnlyList<string> SuccessorsSince(string code, int version) =>
        _outOf[code].Where(l => l.Version > version).Select(l => l.To).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether the code was already current before the first of <paramref name="from"/> joined it (it absorbed them).</summary>
    public bool ExistedBefore(string code, IReadOnlyList<string> from) =>
        _records.TryGetValue(code, out var r) && _into[code].Where(l => from.Contains(l.From)).Select(l => l.Version).DefaultIfEmpty(int.MaxValue).Min() > r.ValidFrom;
}
