using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Editing.Rules;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Applies one staff edit to a published partition and returns the next version, with
/// the coverage kept valid: the territories of the units under the edited unit's parent (the
/// grid of a micro-grid, the village of a grid) and the edit's own linework are noded together
/// on the partitioner's 1 µm grid and polygonized into faces; every face is given an owner by
/// the edit's rule, and each unit becomes the union of its faces. Units nothing moved into or
/// out of keep their geometry bit for bit, and vertices that were there before come back
/// exactly (<see cref="LonLatRestorer"/>), so the result tiles the parent with no gap and no
/// overlap. Households follow containment; codes follow DESIGN §2 (a unit that keeps its place
/// keeps its code, new units take the next free serial, vanished codes are retired with their
/// successors).</summary>
/// <remarks>Building and floor micro-grids are never cut (a building's households are never
/// split): a grid edit gives such a micro-grid whole to the grid holding most of its area, and
/// they cannot be split by a line.</remarks>
public sealed class PartitionEditor(PartitionOptions options)
{
    /// <exception cref="EditException">An unknown code (404), or an edit the coverage rules refuse (400, 422).</exception>
    public Partition Apply(Partition current, TownshipInput township, IReadOnlyList<HouseholdInput> households, Edit edit)
    {
        if (edit.Codes.Count == 0) throw new EditException(400, "codes", "Name the unit to edit.");
        var projection = MetricProjection.For(township.Boundary);
        var restorer = new LonLatRestorer(projection, TownshipPartitioner.Precision);
        var townshipMetric = restorer.Forward(township.Boundary);

        var microCodes = current.MicroGrids.ToDictionary(m => m.Code, m => m, StringComparer.Ordinal);
        var gridCodes = current.Grids.ToDictionary(g => g.Code, g => g, StringComparer.Ordinal);
        foreach (var c in edit.Codes)
            if (!microCodes.ContainsKey(c) && !gridCodes.ContainsKey(c))
                throw new EditException(404, "code", $"{c} is not a grid or micro-grid of the current version {current.Version}.", c);
        bool gridLevel = edit.Codes[0].Length == 15;
        if (edit.Codes.Any(c => (c.Length == 15) != gridLevel))
            throw new EditException(422, "codes", "Grids and micro-grids cannot be edited together.");
        if (edit.Kind == EditKind.Pin) return Pin(current, edit, gridLevel);

        var scope = EditScope.Of(current, edit, gridLevel, restorer, projection);
        //-- Households in metres, once: splits, containment and the report all use them.
        var metricHouseholds = households.Select(h => projection.Forward(h.Location)).ToArray();
        var lineage = new EditLineage();
        EditRules.For(edit.Kind, gridLevel).Apply(scope, metricHouseholds, lineage);
        if (gridLevel) WholeBuildings.Apply(scope);
        FragmentAbsorber.Apply(scope);
        MovedCells.Mark(scope);
        return EditedPartition.Build(scope, townshipMetric, restorer, projection, households, metricHouseholds, lineage, options);
    }

    /// <summary>After an automatic recompute: gives every pinned unit back the territory staff
    /// drew (grids first, then micro-grids), as redraws of the fresh partition that keep its
    /// version. A pinned unit whose code the recompute did not keep, or whose boundary no longer
    /// fits its parent, is reported in <paramref name="skipped"/> and left as recomputed.</summary>
    public Partition KeepPinned(Partition fresh, TownshipInput township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<(string Code, Geometry Territory)> pinned, IReadOnlyDictionary<string, string>? previousAssignments, List<string> skipped)
    {
        if (pinned.Count == 0) return fresh;
        var p = fresh;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (code, territory) in pinned.OrderBy(x => x.Code.Length).ThenBy(x => x.Code, StringComparer.Ordinal))
        {
            var target = code;
            if (!p.Grids.Any(g => g.Code == code) && !p.MicroGrids.Any(m => m.Code == code))
            {
                //-- The recompute did not keep the code: the unit that now holds most of the pinned
                //-- land in the same grid is redrawn and takes the pinned code back.
                target = code.Length == 18
                    ? p.MicroGrids.Where(m => m.GridCode == code[..15] && m.Kind == MicroGridKind.Cluster && m.Territory.Intersects(territory))
                        .OrderByDescending(m => m.Territory.Intersection(territory).Area).ThenBy(m => m.Code, StringComparer.Ordinal).FirstOrDefault()?.Code ?? ""
                    : "";
                if (target.Length == 0) { skipped.Add(code); continue; }
            }
            try
            {
                p = Apply(p with { Version = fresh.Version - 1 }, township, households, new Edit(EditKind.Redraw, [target], territory));
                if (target != code) p = Rename(p, target, code, fresh.Version);
                kept.Add(code);
            }
            catch (EditException)
            {
                skipped.Add(code);
            }
        }
        var stability = previousAssignments is null ? fresh.Report.CodeStability : CodeStability.Of(p.Assignments, previousAssignments);
        return p with
        {
            Version = fresh.Version,
            Grids = p.Grids.Select(g => kept.Contains(g.Code) ? g with { Pinned = true } : g).ToList(),
            MicroGrids = p.MicroGrids.Select(m => kept.Contains(m.Code) ? m with { Pinned = true } : m).ToList(),
            Report = p.Report with { Version = fresh.Version, CodeStability = stability, ElapsedMs = fresh.Report.ElapsedMs },
        };
    }

    /// <summary>Gives micro-grid <paramref name="from"/> the (retired) code <paramref name="to"/>
    /// back: <paramref name="to"/> is current again, <paramref name="from"/> was never issued if it
    /// was born in this version, else it is retired with <paramref name="to"/> as its successor.</summary>
    private static Partition Rename(Partition p, string from, string to, int version)
    {
        var codes = p.Codes.Where(c => c.Code != to && !(c.Code == from && c.ValidFrom >= version)).Select(c => c.Code == from
            ? c with { ValidTo = version - 1, Successors = [to] }
            : c).ToList();
        var old = p.Codes.FirstOrDefault(c => c.Code == to);
        codes.Add(old is null ? new CodeRecord(to, "micro_grid", to[..15], version, null, [], []) : old with { ValidTo = null, Successors = [] });
        return p with
        {
            MicroGrids = p.MicroGrids.Select(m => m.Code == from ? m with { Code = to } : m).OrderBy(m => m.Code, StringComparer.Ordinal).ToList(),
            Assignments = p.Assignments.Select(a => a.MicroGridCode == from ? a with { MicroGridCode = to } : a).ToList(),
            Codes = codes.OrderBy(c => c.Code, StringComparer.Ordinal).ToList(),
        };
    }

    private static Partition Pin(Partition current, Edit edit, bool gridLevel)
    {
        var codes = new HashSet<string>(edit.Codes, StringComparer.Ordinal);
        var version = current.Version + 1;
        return current with
        {
            Version = version,
            Grids = gridLevel ? current.Grids.Select(g => codes.Contains(g.Code) ? g with { Pinned = edit.Pinned } : g).ToList() : current.Grids,
            MicroGrids = gridLevel ? current.MicroGrids : current.MicroGrids.Select(m => codes.Contains(m.Code) ? m with { Pinned = edit.Pinned } : m).ToList(),
            Report = current.Report with { Version = version },
        };
    }

}
