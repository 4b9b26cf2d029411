using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>After an automatic recompute: gives every pinned unit back the territory staff
/// drew (grids first, then micro-grids), as redraws written as the fresh partition's own
/// version (the one its publisher decided). A pinned unit whose code the recompute did not keep, or whose boundary no longer
/// fits its parent, is reported in the skipped list and left as recomputed.</summary>
internal sealed class PinnedUnits(PartitionEditor editor)
{
    public Partition Keep(Partition fresh, TownshipInput township, IReadOnlyList<HouseholdInput> households,
        IReadOnlyList<(string Code, Geometry Territory)> pinned, IReadOnlyDictionary<string, string>? previousAssignments, List<string> skipped)
    {
        if (pinned.Count == 0) return fresh;
        var p = fresh;
        var context = new EditContext(township, households, fresh.Version);
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
                p = editor.Apply(p, context, new Edit(EditKind.Redraw, [target], territory));
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
            Grids = p.Grids.Select(g => kept.Contains(g.Code) ? g with { Pinned = true } : g).ToList(),
            MicroGrids = p.MicroGrids.Select(m => kept.Contains(m.Code) ? m with { Pinned = true } : m).ToList(),
            Report = p.Report with { CodeStability = stability, ElapsedMs = fresh.Report.ElapsedMs },
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
}
