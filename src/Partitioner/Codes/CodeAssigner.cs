using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.Partitioner.Codes;

/// <summary>Gives grids and micro-grids their codes (DESIGN §2): parent code + 3-digit serial,
/// first in reading order; after a recompute a unit that keeps most of the households of a
/// previous unit with the same parent keeps its code (when no unit keeps most of them, the one
/// keeping the largest share, at a tie the one overlapping its previous territory most), a code
/// that disappears is retired and never reused, and new units take the next free serials.
/// Records the history: valid-from / valid-to versions and where households came from and went to.</summary>
public sealed class CodeAssigner
{
    /// <summary>A unit to be coded: its parent's code, where it lies (for reading order), a
    /// stable tie-break key and its households; its territory (metric) when codes may be carried
    /// by area overlap.</summary>
    public sealed record Unit(string ParentCode, Coordinate Position, string TieKey, IReadOnlyList<string> HouseholdIds)
    {
        public Geometry? Territory { get; init; }
    }

    private readonly PreviousPartition? _previous;
    private readonly CodeRegistry _registry;
    private readonly List<(string Level, string Code, string Parent, List<(string Code, int Shared)> From)> _assigned = [];
    private readonly Dictionary<string, string> _previousGridOfHousehold = new(StringComparer.Ordinal);

    // The previous micro-grids' territories (metric) by code, and a previous grid's micro-grid codes.
    private readonly Func<string, Geometry?>? _previousTerritory;
    private readonly Dictionary<string, List<string>> _previousMicroGridsOfGrid = new(StringComparer.Ordinal);

    /// <param name="previousTerritory">A previous micro-grid's territory (metric) by code, for carrying
    /// codes by area overlap where shared households do not decide; null: by households only.</param>
    public CodeAssigner(PreviousPartition? previous, Func<string, Geometry?>? previousTerritory = null)
    {
        _previous = previous;
        _previousTerritory = previousTerritory;
        foreach (var m in previous?.MicroGrids ?? [])
        {
            if (!_previousMicroGridsOfGrid.TryGetValue(m.GridCode, out var list)) _previousMicroGridsOfGrid[m.GridCode] = list = [];
            list.Add(m.Code);
        }
        //-- In code order, so the overlap's sum does not depend on the order the previous partition was read in.
        foreach (var list in _previousMicroGridsOfGrid.Values) list.Sort(StringComparer.Ordinal);
        _registry = new CodeRegistry(previous?.History ?? [], previous?.MicroGrids.SelectMany(m => new[] { m.Code, m.GridCode }) ?? []);
        if (previous is null) return;
        var gridOfMicroGrid = previous.MicroGrids.ToDictionary(m => m.Code, m => m.GridCode, StringComparer.Ordinal);
        foreach (var (household, mg) in previous.MicroGridOfHousehold)
            _previousGridOfHousehold[household] = gridOfMicroGrid.TryGetValue(mg, out var g) ? g : mg[..^3];
    }

    public IReadOnlyList<string> AssignGrids(IReadOnlyList<Unit> units, Func<string, double> parentArea, Func<string, double> parentNorth) =>
        Assign("grid", units, h => _previousGridOfHousehold.GetValueOrDefault(h), parentArea, parentNorth,
            code => _previousMicroGridsOfGrid.GetValueOrDefault(code) ?? []);

    public IReadOnlyList<string> AssignMicroGrids(IReadOnlyList<Unit> units, Func<string, double> parentArea, Func<string, double> parentNorth) =>
        Assign("micro_grid", units, h => _previous?.MicroGridOfHousehold.GetValueOrDefault(h), parentArea, parentNorth, code => [code]);

    private string[] Assign(string level, IReadOnlyList<Unit> units, Func<string, string?> previousCodeOf,
        Func<string, double> parentArea, Func<string, double> parentNorth, Func<string, IReadOnlyList<string>> previousMicroGrids)
    {
        var codes = new string?[units.Count];
        var from = new List<(string Code, int Shared)>[units.Count];
        var stillPresent = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < units.Count; i++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var h in units[i].HouseholdIds)
                if (previousCodeOf(h) is { } c)
                {
                    counts[c] = counts.GetValueOrDefault(c) + 1;
                    stillPresent[c] = stillPresent.GetValueOrDefault(c) + 1;
                }
            from[i] = counts.Select(kv => (kv.Key, kv.Value)).OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        }

        // Carry codes over: largest shares first; a unit keeps a code when it holds most of the
        // households that code still has, and the parent did not change.
        var used = new HashSet<string>(StringComparer.Ordinal);
        var pairs = Enumerable.Range(0, units.Count)
            .SelectMany(i => from[i].Select(f => (Unit: i, f.Code, f.Shared)))
            .OrderByDescending(p => p.Shared).ThenBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Unit);
        foreach (var (i, code, shared) in pairs)
        {
            if (codes[i] is not null || used.Contains(code)) continue;
            if (!ChildOf(code, units[i].ParentCode)) continue;
            if (2 * shared <= stillPresent[code]) continue;
            codes[i] = code;
            used.Add(code);
        }

        // Then, for a code no unit keeps most of the households of (split evenly, or in three; not one
        // whose majority went to a unit that took another code or moved to another parent: that code is
        // merged away and retired), the unit keeping the largest share; at a tie, the one overlapping the
        // code's previous territory most (computed for ties only: an overlay per previous micro-grid).
        var held = pairs.Where(p => 2 * p.Shared > stillPresent[p.Code]).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var open = pairs.Where(p => codes[p.Unit] is null && !used.Contains(p.Code) && !held.Contains(p.Code) && ChildOf(p.Code, units[p.Unit].ParentCode))
            .ToList();
        var tied = open.GroupBy(p => (p.Code, p.Shared)).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        var rest = open.Select(p => (p.Unit, p.Code, p.Shared, Overlap: tied.Contains(p) ? Overlap(units[p.Unit], p.Code, previousMicroGrids) : 0))
            .OrderByDescending(p => p.Shared).ThenByDescending(p => p.Overlap).ThenBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Unit)
            .ToList();
        foreach (var (i, code, _, _) in rest)
        {
            if (codes[i] is not null || used.Contains(code)) continue;
            codes[i] = code;
            used.Add(code);
        }

        // New units: next free serials per parent, in reading order.
        foreach (var parent in Enumerable.Range(0, units.Count).Where(i => codes[i] is null).GroupBy(i => units[i].ParentCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = ReadingOrder.Sort(parent.ToList(), i => units[i].Position, i => units[i].TieKey, parentArea(parent.Key), parentNorth(parent.Key));
            foreach (var i in ordered) codes[i] = _registry.Issue(parent.Key);
        }

        for (int i = 0; i < units.Count; i++) _assigned.Add((level, codes[i]!, units[i].ParentCode, from[i]));
        return codes!;
    }

    /// <summary>Whether <paramref name="code"/> is a serial directly under <paramref name="parent"/>: a unit
    /// carries a code only when its parent did not change.</summary>
    private static bool ChildOf(string code, string parent) =>
        code.Length == parent.Length + 3 && code.StartsWith(parent, StringComparison.Ordinal);

    /// <summary>Area (m²) the unit's territory shares with the previous territory of <paramref name="code"/>
    /// (a grid's: its micro-grids'); 0 when either is not known.</summary>
    private double Overlap(Unit unit, string code, Func<string, IReadOnlyList<string>> previousMicroGrids)
    {
        if (_previousTerritory is null || unit.Territory is not { } territory) return 0;
        double area = 0;
        foreach (var m in previousMicroGrids(code))
        {
            if (_previousTerritory(m) is not { } before || !before.EnvelopeInternal.Intersects(territory.EnvelopeInternal)) continue;
            try
            {
                area += OverlayNGRobust.Overlay(before, territory, SpatialFunction.Intersection).Area;
            }
            catch (TopologyException)
            {
                //-- Left out: the overlap only orders candidates that hold equal shares of the households.
            }
        }
        return area;
    }

    /// <summary>The code history after this run: carried codes keep their records, new codes start
    /// at <paramref name="version"/> with the codes their households came from, codes that
    /// disappeared end at the version before with the codes their households went to.</summary>
    public IReadOnlyList<CodeRecord> History(int version)
    {
        var successors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (_, code, _, from) in _assigned)
            foreach (var f in from.Where(f => f.Code != code))
            {
                if (!successors.TryGetValue(f.Code, out var list)) successors[f.Code] = list = [];
                list.Add(code);
            }
        foreach (var (level, code, parent, from) in _assigned)
            _registry.Current(code, level, parent, version, from.Where(f => f.Code != code).Select(f => f.Code).ToList());
        return _registry.History(version, r => successors.GetValueOrDefault(r.Code)?.Distinct().ToList() ?? []);
    }
}
