using System.Collections.Concurrent;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>One township's grids and micro-grids with their attributes and people, as of one
/// moment (an immutable snapshot, see <see cref="UnitDirectory"/>), resolved through the code
/// history (<see cref="UnitLineage"/>): a unit keeps what its code has; a successor of a split or
/// merge inherits its predecessors' attributes and people, flagged for review, until a clerk
/// writes for it.</summary>
public sealed class TownshipUnits
{
    private readonly IReadOnlyDictionary<string, OwnAttributes> _attributes;
    private readonly ILookup<string, AssignmentRow> _assignments;
    private readonly ConcurrentDictionary<string, UnitResolution> _resolved = new(StringComparer.Ordinal);

    public TownshipUnits(string township, int? version, IReadOnlyDictionary<string, UnitRow> current, UnitLineage lineage, UnitNames names,
        IReadOnlyDictionary<string, OwnAttributes> attributes, IEnumerable<AssignmentRow> assignments)
    {
        (Township, Version, Current, Lineage, Names, _attributes) = (township, version, current, lineage, names, attributes);
        _assignments = assignments.ToLookup(a => a.Code, StringComparer.Ordinal);
    }

    private static long _generations;

    /// <summary>This snapshot among every one this process loaded (a people change reloads without a new
    /// version): what caches of its answers are keyed by.</summary>
    public long Generation { get; } = Interlocked.Increment(ref _generations);

    public string Township { get; }

    /// <summary>Whether the township exists at all.</summary>
    public bool Exists { get; init; } = true;

    /// <summary>The township's current version (null before its first partition).</summary>
    public int? Version { get; }

    /// <summary>The current grids and micro-grids by code.</summary>
    public IReadOnlyDictionary<string, UnitRow> Current { get; }

    public UnitLineage Lineage { get; }

    public UnitNames Names { get; }

    /// <summary>Codes holding assignments (current or retired).</summary>
    public IEnumerable<string> AssignedCodes => _assignments.Select(g => g.Key);

    public bool Knows(string code) => Current.ContainsKey(code) || Lineage.Knows(code);

    /// <summary>A unit's attributes and people after following the code history.</summary>
    public UnitResolution Resolve(string code) => Resolve(code, 0);

    private UnitResolution Resolve(string code, int depth)
    {
        if (_resolved.TryGetValue(code, out var done)) return done;
        var own = _attributes.GetValueOrDefault(code);
        int reviewed = own?.ReviewedVersion ?? 0;
        var from = depth < 32 ? Lineage.PredecessorsSince(code, reviewed) : [];
        var into = Lineage.SuccessorsSince(code, reviewed);

        OwnAttributes? attributes = own;
        var people = _assignments[code].Select(a => new ResolvedPerson(a, null)).ToList();
        var seen = people.Select(p => p.Row.Id).ToHashSet();
        var inheritedFrom = new List<string>();
        foreach (var p in from)
        {
            var r = Resolve(p, depth + 1);
            bool gave = false;
            if (attributes is null && r.Attributes is { } a) (attributes, gave) = (a with { ReviewedVersion = 0 }, true);
            foreach (var person in r.People)
                if (seen.Add(person.Row.Id))
                {
                    people.Add(new ResolvedPerson(person.Row, person.From ?? p));
                    gave = true;
                }
            if (gave) inheritedFrom.Add(p);
        }

        var reasons = new List<string>();
        bool current = Current.ContainsKey(code);
        if (!current && Lineage.Knows(code)) reasons.Add("retired");
        if (current && into.Count > 0) reasons.Add("split");
        if (current && from.Count > 0 && (from.Count > 1 || Lineage.ExistedBefore(code, from))) reasons.Add("merged");
        if (inheritedFrom.Count > 0) reasons.Add("inherited");
        bool holds = attributes is not null || people.Count > 0;
        var resolution = new UnitResolution(code, attributes, own is null && attributes is not null, inheritedFrom, people, reasons, holds && reasons.Count > 0);
        //-- Only what followed the code history is remembered: a unit without history resolves in a few
        //-- look-ups, and remembering every unit a lookup answered would grow a province's snapshots by
        //-- hundreds of megabytes. Deep chains are not memoized half-way: a later call at depth 0 resolves them whole.
        return depth < 32 && (from.Count > 0 || into.Count > 0) ? _resolved.GetOrAdd(code, resolution) : resolution;
    }

    /// <summary>The answer's <c>responsible</c> JSON for a grid and micro-grid.</summary>
    public byte[] ResponsibleJson(string? grid, string? microGrid, bool personal) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Responsible(grid, microGrid, personal), PeopleJson.Options);

    public Responsible Responsible(string? grid, string? microGrid, bool personal) =>
        new(grid is null ? null : Summary(grid, personal), microGrid is null ? null : Summary(microGrid, personal));

    private ResponsibleUnit Summary(string code, bool personal)
    {
        var r = Resolve(code);
        var people = r.People.Select(p => new PersonRef(p.Row.Role, Vocabulary.Label(Vocabulary.Roles, p.Row.Role),
            personal ? p.Row.Name : null, personal ? p.Row.Phone : null)).ToList();
        var type = r.Attributes?.Type;
        return new ResponsibleUnit(code, Name(code, r), type is null ? null : Vocabulary.Label(Vocabulary.UnitTypes, type), r.NeedsReview, people.Count, people);
    }

    /// <summary>The unit's name: a clerk's (or inherited), else generated (<see cref="UnitNames"/>).</summary>
    public string Name(string code) => Name(code, Resolve(code));

    //-- From a resolution already made: a plain unit is not memoized, so resolving it again is work done twice per answer.
    private string Name(string code, UnitResolution r) => r.Attributes?.Name ?? Names.Default(code);

    /// <param name="areaM2">The unit's area when current (<see cref="UnitDirectory.AttributesAsync"/> reads it).</param>
    public UnitAttributes Attributes(string code, double? areaM2)
    {
        var r = Resolve(code);
        var a = r.Attributes;
        var unit = Current.GetValueOrDefault(code);
        return new UnitAttributes(code, code.Length == 18 ? "micro_grid" : "grid", unit is null ? "retired" : "current", Name(code, r), a?.Name is null,
            a?.Type, a?.Type is { } t ? Vocabulary.Label(Vocabulary.UnitTypes, t) : null,
            a?.Subtype, a?.Subtype is { } s ? Vocabulary.Label(Vocabulary.Subtypes, s) : null,
            unit is null || areaM2 is null ? null : Math.Round(areaM2.Value, 1), a?.Organisation, a?.Remarks, r.NeedsReview, r.InheritedFrom);
    }

    public IReadOnlyList<UnitPerson> People(string code, bool personal) =>
        Resolve(code).People.Select(p => p.Row.ToUnitPerson(personal, p.From)).ToList();

    /// <summary>Ids of the people whose names a caller reads in <paramref name="codes"/>' answers (for the audit).</summary>
    public IEnumerable<long> PersonIds(params string?[] codes) =>
        codes.Where(c => c is not null).SelectMany(c => Resolve(c!).People).Select(p => p.Row.PersonId).Distinct();
}
