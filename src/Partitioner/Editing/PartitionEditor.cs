using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

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
    private static readonly PrecisionModel Precision = TownshipPartitioner.Precision;

    /// <summary>Cells are territory units: a micro-grid, or a building's floor runs, which share one territory.</summary>
    private sealed class Cell
    {
        public required int Index { get; init; }
        public required List<MicroGrid> Micro { get; init; }
        public required string Grid { get; init; }
        public required string Village { get; init; }
        public required Geometry Metric { get; init; }
        public bool Atomic => Micro[0].Kind != MicroGridKind.Cluster;
        public string Key => Micro[0].Kind == MicroGridKind.Floor ? $"{Grid}|{Micro[0].BuildingId}" : Micro[0].Code;
    }

    private sealed class Face(Polygon metric, int cell)
    {
        public Polygon Metric { get; } = metric;
        public int Cell { get; } = cell;
        public string Grid { get; set; } = "";

        /// <summary>The new cell: an old cell's index, or a key for a new one.</summary>
        public string Target { get; set; } = "";
    }

    public Partition Apply(Partition current, TownshipInput township, IReadOnlyList<HouseholdInput> households, Edit edit)
    {
        if (edit.Codes.Count == 0) throw new EditException(400, "codes", "Name the unit to edit.");
        var projection = MetricProjection.For(township.Boundary);
        var restorer = new LonLatRestorer(projection, Precision);
        var townshipMetric = restorer.Forward(township.Boundary);

        var microByCode = current.MicroGrids.ToDictionary(m => m.Code, StringComparer.Ordinal);
        var gridByCode = current.Grids.ToDictionary(g => g.Code, StringComparer.Ordinal);
        foreach (var c in edit.Codes)
            if (!microByCode.ContainsKey(c) && !gridByCode.ContainsKey(c))
                throw new EditException(404, "code", $"{c} is not a grid or micro-grid of the current version {current.Version}.", c);
        bool gridLevel = edit.Codes[0].Length == 15;
        if (edit.Codes.Any(c => (c.Length == 15) != gridLevel))
            throw new EditException(422, "codes", "Grids and micro-grids cannot be edited together.");

        if (edit.Kind == EditKind.Pin) return Pin(current, edit, gridLevel);

        //-- The scope: every cell under the parent.
        string parent = gridLevel ? gridByCode[edit.Codes[0]].VillageCode : microByCode[edit.Codes[0]].GridCode;
        foreach (var c in edit.Codes)
            if ((gridLevel ? gridByCode[c].VillageCode : microByCode[c].GridCode) != parent)
                throw new EditException(422, "codes", $"{c} is not under {parent} like {edit.Codes[0]}: only siblings can be merged.", c);
        var cells = current.MicroGrids
            .Where(m => gridLevel ? m.VillageCode == parent : m.GridCode == parent)
            .GroupBy(m => m.Kind == MicroGridKind.Floor ? $"{m.GridCode}|{m.BuildingId}" : m.Code, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select((g, i) => new Cell
            {
                Index = i, Micro = g.OrderBy(m => m.Code, StringComparer.Ordinal).ToList(), Grid = g.First().GridCode,
                Village = g.First().VillageCode, Metric = ToMetric(g.First().Territory, restorer),
            })
            .ToList();
        var edited = gridLevel ? null : cells.Single(c => c.Micro.Any(m => m.Code == edit.Codes[0]));

        //-- The edit's own linework, in metres.
        Geometry? drawn = null;
        if (edit.Kind is EditKind.Redraw or EditKind.Split)
        {
            if (edit.Geometry is null || edit.Geometry.IsEmpty) throw new EditException(400, "geometry", $"A {edit.Kind.ToString().ToLowerInvariant()} needs a geometry.");
            bool polygonal = edit.Geometry is Polygon or MultiPolygon;
            if (edit.Kind == EditKind.Redraw && !polygonal) throw new EditException(400, "geometry", $"A redraw takes a Polygon or MultiPolygon, not a {edit.Geometry.GeometryType}.");
            if (edit.Kind == EditKind.Split && edit.Geometry is not (LineString or MultiLineString)) throw new EditException(400, "geometry", $"A split takes a LineString, not a {edit.Geometry.GeometryType}.");
            if (!edit.Geometry.IsValid) throw new EditException(400, "geometry", $"The {edit.Geometry.GeometryType} is not valid (self-intersecting or degenerate).");
            drawn = projection.Forward(edit.Geometry);
            drawn.Apply(CoordinateMapper.Precise(Precision));
            drawn.GeometryChanged();
            if (polygonal && !drawn.IsValid) drawn = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(drawn);
            if (edit.Kind == EditKind.Split && edited is { Atomic: true })
                throw new EditException(422, "code", $"{edit.Codes[0]} is a building micro-grid: buildings are split by floors, not by lines.", edit.Codes[0]);
        }

        var faces = Faces(cells, drawn);
        //-- Households in metres, once: splits, containment and the report all use them.
        var metricHouseholds = households.Select(h => projection.Forward(h.Location)).ToArray();
        foreach (var f in faces)
        {
            f.Grid = cells[f.Cell].Grid;
            f.Target = Key(f.Cell);
        }
        var split = new Dictionary<string, (string From, string Level)>(StringComparer.Ordinal);
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (edit.Kind, gridLevel)
        {
            case (EditKind.Redraw, false):
                RedrawMicro(faces, edited!, drawn!);
                break;
            case (EditKind.Redraw, true):
                RedrawGrid(faces, cells, edit.Codes[0], drawn!);
                break;
            case (EditKind.Split, false):
                SplitMicro(faces, edited!, metricHouseholds, split);
                break;
            case (EditKind.Split, true):
                SplitGrid(faces, cells, edit.Codes[0], drawn!, metricHouseholds, split);
                break;
            case (EditKind.Merge, false):
                MergeMicro(faces, cells, edit.Codes, merged);
                break;
            case (EditKind.Merge, true):
                MergeGrids(faces, cells, edit.Codes, current, merged);
                break;
        }
        if (gridLevel) KeepBuildingsWhole(faces, cells);
        AbsorbFragments(faces, cells, avoid: edited is null ? null : Key(edited.Index));
        //-- A cell whose faces went to another grid becomes a new cell there.
        foreach (var f in faces)
            if (f.Target.StartsWith('c') && cells[int.Parse(f.Target[1..], System.Globalization.CultureInfo.InvariantCulture)].Grid != f.Grid)
                f.Target = $"moved:{f.Target}:{f.Grid}";

        return Build(current, townshipMetric, restorer, projection, households, metricHouseholds, cells, faces, gridLevel, parent, split, merged);
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

    private static string Key(int cell) => $"c{cell}";

    private static int CellOf(string key) => int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Nodes the cells' boundaries with the edit's linework and polygonizes: every face lies in one old cell.</summary>
    private static List<Face> Faces(List<Cell> cells, Geometry? drawn)
    {
        var factory = cells[0].Metric.Factory;
        var lines = cells.Select(c => c.Metric.Boundary).ToList();
        if (drawn is not null) lines.Add(drawn is Polygon or MultiPolygon ? drawn.Boundary : drawn);
        var noded = FaceBuilder.Node(factory.BuildGeometry(lines), Precision);
        var index = new STRtree<Cell>();
        foreach (var c in cells) index.Insert(c.Metric.EnvelopeInternal, c);
        index.Build();
        var locators = new Dictionary<int, IndexedPointInAreaLocator>();
        var faces = new List<Face>();
        foreach (var p in FaceBuilder.Polygonize(noded))
        {
            if (p.Area <= 0) continue;
            var at = p.InteriorPoint.Coordinate;
            foreach (var c in index.Query(new Envelope(at)).OrderBy(c => c.Index))
            {
                if (!locators.TryGetValue(c.Index, out var loc)) locators[c.Index] = loc = new IndexedPointInAreaLocator(c.Metric);
                if (loc.Locate(at) != Location.Interior) continue;
                faces.Add(new Face(p, c.Index));
                break;
            }
        }
        return faces;
    }

    private static bool Inside(Geometry drawn, Face f) => drawn.Contains(f.Metric.InteriorPoint);

    private static void RedrawMicro(List<Face> faces, Cell edited, Geometry drawn)
    {
        var given = new List<Face>();
        bool any = false;
        foreach (var f in faces)
        {
            if (Inside(drawn, f)) { f.Target = Key(edited.Index); any = true; }
            else if (f.Cell == edited.Index) given.Add(f);
        }
        if (!any)
            throw new EditException(422, "geometry", $"The new boundary of {edited.Micro[0].Code} does not overlap its grid {edited.Grid}.", edited.Micro[0].Code);
        //-- Land given up goes, piece by piece, to the neighbour it shares the longest border with.
        foreach (var piece in Components(given))
        {
            var to = LongestBorder(piece, faces.Except(given).Where(f => f.Target != Key(edited.Index)), f => f.Target);
            if (to is not null) foreach (var f in piece) f.Target = to;
        }
    }

    private static void RedrawGrid(List<Face> faces, List<Cell> cells, string grid, Geometry drawn)
    {
        var given = new List<Face>();
        bool any = false;
        foreach (var f in faces)
        {
            if (Inside(drawn, f)) { f.Grid = grid; any = true; }
            else if (cells[f.Cell].Grid == grid) given.Add(f);
        }
        if (!any)
            throw new EditException(422, "geometry", $"The new boundary of {grid} does not overlap its village.", grid);
        foreach (var piece in Components(given))
        {
            var to = LongestBorder(piece, faces.Except(given).Where(f => f.Grid != grid), f => f.Grid);
            if (to is not null) foreach (var f in piece) f.Grid = to;
        }
    }

    private static void SplitMicro(List<Face> faces, Cell edited, IReadOnlyList<Coordinate> households, Dictionary<string, (string, string)> split)
    {
        //-- Inside one cell only the line separates faces: each face is a piece.
        var pieces = faces.Where(f => f.Cell == edited.Index).Select(f => new List<Face> { f }).ToList();
        if (pieces.Count < 2)
            throw new EditException(422, "geometry", $"The line does not cut {edited.Micro[0].Code} in two: it must cross the micro-grid from border to border.", edited.Micro[0].Code);
        var keeper = Keeper(pieces, households);
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i == keeper) continue;
            var key = $"split:{i}";
            split[key] = (edited.Micro[0].Code, "micro_grid");
            foreach (var f in pieces[i]) f.Target = key;
        }
    }

    private static void SplitGrid(List<Face> faces, List<Cell> cells, string grid, Geometry line, IReadOnlyList<Coordinate> households,
        Dictionary<string, (string, string)> split)
    {
        var own = faces.Where(f => cells[f.Cell].Grid == grid).ToList();
        //-- The grid's pieces: its faces joined across every edge that is not on the line.
        var pieces = Components(own, notAlong: line);
        if (pieces.Count < 2)
            throw new EditException(422, "geometry", $"The line does not cut {grid} in two: it must cross the grid from border to border.", grid);
        var keeper = Keeper(pieces, households);
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i == keeper) continue;
            var key = $"+grid:{i}";
            split[key] = (grid, "grid");
            foreach (var f in pieces[i]) f.Grid = key;
        }
    }

    private static void MergeMicro(List<Face> faces, List<Cell> cells, IReadOnlyList<string> codes, Dictionary<string, string> merged)
    {
        if (codes.Distinct(StringComparer.Ordinal).Count() < 2) throw new EditException(422, "codes", "A merge needs at least two different codes.");
        var chosen = codes.Select(c => cells.Single(x => x.Micro.Any(m => m.Code == c))).Distinct().ToList();
        if (chosen.Any(c => c.Micro[0].Kind == MicroGridKind.Floor))
            throw new EditException(422, "codes", "Floor micro-grids follow their building's floors and cannot be merged with other units.");
        if (CoverageUnion.Union(chosen.Select(c => c.Metric).ToArray()).NumGeometries > chosen.Max(c => c.Metric.NumGeometries))
            throw new EditException(422, "codes", $"{string.Join(", ", codes)} do not share a border: only neighbours can be merged.");
        var survivor = chosen.OrderByDescending(c => c.Micro.Sum(m => m.HouseholdCount)).ThenBy(c => c.Micro[0].Code, StringComparer.Ordinal).First();
        foreach (var c in chosen.Where(c => c != survivor)) merged[c.Micro[0].Code] = survivor.Micro[0].Code;
        foreach (var f in faces)
            if (chosen.Any(c => c.Index == f.Cell)) f.Target = Key(survivor.Index);
    }

    private static void MergeGrids(List<Face> faces, List<Cell> cells, IReadOnlyList<string> codes, Partition current, Dictionary<string, string> merged)
    {
        if (codes.Distinct(StringComparer.Ordinal).Count() < 2) throw new EditException(422, "codes", "A merge needs at least two different codes.");
        var survivor = codes.Distinct(StringComparer.Ordinal)
            .OrderByDescending(c => current.Grids.First(g => g.Code == c).HouseholdCount).ThenBy(c => c, StringComparer.Ordinal).First();
        var union = CoverageUnion.Union(faces.Where(f => codes.Contains(cells[f.Cell].Grid)).Select(f => (Geometry)f.Metric).ToArray());
        if (union.NumGeometries > codes.Max(c => current.Grids.First(g => g.Code == c).Territory.NumGeometries))
            throw new EditException(422, "codes", $"{string.Join(", ", codes)} do not share a border: only neighbouring grids can be merged.");
        foreach (var c in codes.Where(c => c != survivor)) merged[c] = survivor;
        foreach (var f in faces)
            if (codes.Contains(cells[f.Cell].Grid)) f.Grid = survivor;
    }

    /// <summary>A unit the edit cut into separate parts keeps its largest part; every other part
    /// goes to the neighbour in the same grid it shares the longest border with (the edited unit
    /// last, so a redrawn boundary stays as drawn wherever possible).</summary>
    private static void AbsorbFragments(List<Face> faces, List<Cell> cells, string? avoid)
    {
        for (int pass = 0; pass < 3; pass++)
        {
            bool moved = false;
            foreach (var group in faces.GroupBy(f => (f.Target, f.Grid)).ToList())
            {
                var parts = Components(group.ToList());
                int allowed = group.Key.Target.StartsWith('c') ? cells[CellOf(group.Key.Target)].Metric.NumGeometries : 1;
                if (parts.Count <= allowed) continue;
                foreach (var part in parts.OrderByDescending(p => p.Sum(f => f.Metric.Area)).Skip(allowed))
                {
                    var others = faces.Where(f => f.Grid == group.Key.Grid && f.Target != group.Key.Target).ToList();
                    var to = LongestBorder(part, others.Where(f => f.Target != avoid), f => f.Target) ?? LongestBorder(part, others, f => f.Target);
                    if (to is null) continue;
                    foreach (var f in part) f.Target = to;
                    moved = true;
                }
            }
            if (!moved) return;
        }
    }

    /// <summary>A building or floor micro-grid goes whole to the grid holding most of its area.</summary>
    private static void KeepBuildingsWhole(List<Face> faces, List<Cell> cells)
    {
        foreach (var group in faces.Where(f => cells[f.Cell].Atomic).GroupBy(f => f.Cell))
        {
            var grid = group.GroupBy(f => f.Grid).OrderByDescending(g => g.Sum(f => f.Metric.Area)).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            foreach (var f in group) f.Grid = grid;
        }
    }

    /// <summary>The piece that keeps the code: most households, then most area.</summary>
    private static int Keeper(List<List<Face>> pieces, IReadOnlyList<Coordinate> households)
    {
        var counts = new int[pieces.Count];
        for (int i = 0; i < pieces.Count; i++)
        {
            var env = new Envelope();
            foreach (var f in pieces[i]) env.ExpandToInclude(f.Metric.EnvelopeInternal);
            var locators = pieces[i].Select(f => new IndexedPointInAreaLocator(f.Metric)).ToList();
            foreach (var h in households)
                if (env.Contains(h) && locators.Any(l => l.Locate(h) == Location.Interior)) counts[i]++;
        }
        return Enumerable.Range(0, pieces.Count)
            .OrderByDescending(i => counts[i])
            .ThenByDescending(i => pieces[i].Sum(f => f.Metric.Area))
            .First();
    }

    /// <summary>Groups faces into connected pieces (sharing an edge), never across an edge that
    /// lies on <paramref name="notAlong"/> (a split's line).</summary>
    private static List<List<Face>> Components(List<Face> faces, Geometry? notAlong = null)
    {
        var parent = Enumerable.Range(0, faces.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var index = new STRtree<int>();
        for (int i = 0; i < faces.Count; i++) index.Insert(faces[i].Metric.EnvelopeInternal, i);
        if (faces.Count > 0) index.Build();
        var line = notAlong?.Buffer(Precision.GridSize * 2);
        for (int i = 0; i < faces.Count; i++)
            foreach (var j in index.Query(faces[i].Metric.EnvelopeInternal))
            {
                if (j <= i) continue;
                var shared = faces[i].Metric.Boundary.Intersection(faces[j].Metric.Boundary);
                if (shared.Length <= 0) continue;
                if (line is not null && shared.Difference(line).Length <= Precision.GridSize * 2) continue;
                parent[Find(i)] = Find(j);
            }
        return Enumerable.Range(0, faces.Count).GroupBy(Find).OrderBy(g => g.Min()).Select(g => g.Select(i => faces[i]).ToList()).ToList();
    }

    /// <summary>The owner (by <paramref name="owner"/>) that shares the longest border with a piece, if any.</summary>
    private static string? LongestBorder(List<Face> piece, IEnumerable<Face> others, Func<Face, string> owner)
    {
        var boundary = piece[0].Metric.Factory.BuildGeometry(piece.Select(f => f.Metric.Boundary).ToList());
        var env = boundary.EnvelopeInternal;
        var lengths = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var f in others)
        {
            if (!f.Metric.EnvelopeInternal.Intersects(env)) continue;
            double l = f.Metric.Boundary.Intersection(boundary).Length;
            if (l > 0) lengths[owner(f)] = lengths.GetValueOrDefault(owner(f)) + l;
        }
        return lengths.Count == 0 ? null : lengths.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
    }

    private static Geometry ToMetric(Geometry lonLat, LonLatRestorer restorer)
    {
        var m = restorer.Forward(lonLat);
        return m.IsValid ? m : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(m);
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

    private Partition Build(Partition current, Geometry townshipMetric, LonLatRestorer restorer, MetricProjection projection,
        IReadOnlyList<HouseholdInput> households, Coordinate[] metricHouseholds, List<Cell> cells, List<Face> faces, bool gridLevel, string parent,
        Dictionary<string, (string From, string Level)> split, Dictionary<string, string> merged)
    {
        int version = current.Version + 1;

        //-- New cells: faces grouped by target; old cells nothing moved into or out of keep their geometry.
        var groups = faces.GroupBy(f => f.Target, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in faces)
            if (f.Target != Key(f.Cell)) { changed.Add(f.Target); changed.Add(Key(f.Cell)); }
        var territory = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        var lonLat = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var metric = g.Count() == 1 ? g.First().Metric : CoverageUnion.Union(g.Select(f => (Geometry)f.Metric).ToArray());
            territory[g.Key] = metric;
            lonLat[g.Key] = g.Key.StartsWith('c') && !changed.Contains(g.Key) ? cells[CellOf(g.Key)].Micro[0].Territory : restorer.Inverse(metric);
            if (g.Key.StartsWith('c') && changed.Contains(g.Key) && metric.NumGeometries > cells[CellOf(g.Key)].Metric.NumGeometries)
                throw new EditException(422, "geometry", $"The edit would cut {cells[CellOf(g.Key)].Micro[0].Code} into separate parts.", cells[CellOf(g.Key)].Micro[0].Code);
            if (!g.Key.StartsWith('c') && metric.NumGeometries > 1 && !split.ContainsKey(g.Key))
                throw new EditException(422, "geometry", "The edit would leave a unit in separate parts.");
        }
        //-- Households: those of the scope (and any not yet assigned) are placed by containment.
        var oldMicroOf = current.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        var scopeCodes = new HashSet<string>(cells.SelectMany(c => c.Micro).Select(m => m.Code), StringComparer.Ordinal);
        var index = new STRtree<string>();
        foreach (var (key, t) in territory) index.Insert(t.EnvelopeInternal, key);
        index.Build();
        var locators = territory.ToDictionary(kv => kv.Key, kv => new IndexedPointInAreaLocator(kv.Value), StringComparer.Ordinal);
        var cellOfHousehold = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++)
        {
            var h = households[i];
            bool inScope = !oldMicroOf.TryGetValue(h.Id, out var old) || scopeCodes.Contains(old);
            if (!inScope) continue;
            var at = metricHouseholds[i];
            string? found = null;
            foreach (var key in index.Query(new Envelope(at)).Order(StringComparer.Ordinal))
            {
                var loc = locators[key].Locate(at);
                if (loc == Location.Interior) { found = key; break; }
                if (loc == Location.Boundary) found ??= key;
            }
            //-- Outside the scope: a new household elsewhere waits for the next recompute.
            if (found is not null) cellOfHousehold[h.Id] = found;
        }

        //-- Grids: codes for new grids (split pieces) in reading order, next free serials.
        var registry = current.Codes.ToDictionary(c => c.Code, StringComparer.Ordinal);
        var serials = new Dictionary<string, int>(StringComparer.Ordinal);
        int NextSerial(string parentCode)
        {
            if (!serials.TryGetValue(parentCode, out var s))
                s = registry.Keys.Concat(current.Grids.Select(g => g.Code)).Concat(current.MicroGrids.Select(m => m.Code))
                    .Where(c => c.Length == parentCode.Length + 3 && c.StartsWith(parentCode, StringComparison.Ordinal))
                    .Select(c => int.Parse(c[^3..], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            if (s >= 999) throw new EditException(422, "code", $"{parentCode} has used all 999 serials.", parentCode);
            serials[parentCode] = s + 1;
            return s + 1;
        }
        string Serial(string parentCode) => parentCode + NextSerial(parentCode).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        var gridCode = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var g in faces.Select(f => f.Grid).Distinct(StringComparer.Ordinal)
                     .Select(g => (Key: g, At: CoverageUnion.Union(faces.Where(f => f.Grid == g).Select(f => (Geometry)f.Metric).ToArray()).InteriorPoint.Coordinate))
                     .OrderBy(g => g.Key.StartsWith('+') ? 1 : 0).ThenByDescending(g => Math.Round(g.At.Y)).ThenBy(g => g.At.X))
            gridCode[g.Key] = g.Key.StartsWith('+') ? Serial(parent) : g.Key;

        //-- Micro-grids: a cell that stays in its grid keeps its codes; new and moved cells take new serials.
        var microOfCell = new Dictionary<string, List<MicroGrid>>(StringComparer.Ordinal);
        var predecessors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var cellGrid = faces.GroupBy(f => f.Target, StringComparer.Ordinal).ToDictionary(g => g.Key, g => gridCode[g.First().Grid], StringComparer.Ordinal);
        foreach (var key in territory.Keys
                     .OrderBy(k => k.StartsWith('c') ? 0 : 1)
                     .ThenByDescending(k => Math.Round(territory[k].InteriorPoint.Y)).ThenBy(k => territory[k].InteriorPoint.X))
        {
            var grid = cellGrid[key];
            var village = cells[faces.First(f => f.Target == key).Cell].Village;
            if (key.StartsWith('c'))
            {
                microOfCell[key] = cells[CellOf(key)].Micro.Select(m => m with { GridCode = grid, Territory = lonLat[key] }).ToList();
                continue;
            }
            //-- A new cell: split off, or an old cell moved to another grid (keeping its kind and floors).
            var source = key.StartsWith("moved:", StringComparison.Ordinal) ? cells[CellOf(key.Split(':')[1])] : null;
            var from = source is not null ? source.Micro : [cells[faces.First(f => f.Target == key).Cell].Micro[0]];
            var list = new List<MicroGrid>();
            foreach (var m in from)
            {
                var code = Serial(grid);
                predecessors[code] = [m.Code];
                list.Add(m with
                {
                    Code = code, GridCode = grid, VillageCode = village, Territory = lonLat[key], Pinned = false,
                    Kind = source is null ? MicroGridKind.Cluster : m.Kind, BuildingId = source is null ? null : m.BuildingId,
                    FloorFrom = source is null ? null : m.FloorFrom, FloorTo = source is null ? null : m.FloorTo,
                });
            }
            microOfCell[key] = list;
        }

        //-- Assignments.
        var microCodeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in current.Assignments)
            if (!scopeCodes.Contains(a.MicroGridCode)) microCodeOf[a.HouseholdId] = a.MicroGridCode;
        var householdById = households.ToDictionary(h => h.Id, StringComparer.Ordinal);
        foreach (var (id, key) in cellOfHousehold)
        {
            var runs = microOfCell[key];
            var h = householdById[id];
            MicroGrid chosen = runs[0];
            if (runs.Count > 1)
            {
                var old = oldMicroOf.GetValueOrDefault(id);
                var kept = runs.FirstOrDefault(m => m.Code == old) ?? runs.FirstOrDefault(m => predecessors.GetValueOrDefault(m.Code)?.Contains(old ?? "") == true);
                chosen = kept ?? runs.OrderBy(m => h.Floor is { } fl && m.FloorFrom is { } lo && m.FloorTo is { } hi ? (fl < lo ? lo - fl : fl > hi ? fl - hi : 0) : 0)
                    .ThenBy(m => m.Code, StringComparer.Ordinal).First();
            }
            microCodeOf[id] = chosen.Code;
        }
        foreach (var h in households.Where(h => !microCodeOf.ContainsKey(h.Id) && oldMicroOf.TryGetValue(h.Id, out _)))
            microCodeOf[h.Id] = oldMicroOf[h.Id];

        var counts = microCodeOf.Values.GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var micro = current.MicroGrids.Where(m => !scopeCodes.Contains(m.Code))
            .Concat(microOfCell.Values.SelectMany(l => l))
            .Select(m => m with { HouseholdCount = counts.GetValueOrDefault(m.Code) })
            .OrderBy(m => m.Code, StringComparer.Ordinal).ToList();
        //-- Merged units: the survivor keeps the code; emptied floor runs are gone with their cell.
        var liveCodes = new HashSet<string>(micro.Select(m => m.Code), StringComparer.Ordinal);

        //-- Grids: territories follow their faces in a grid edit; counts always follow households.
        var gridTerritory = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        if (gridLevel)
        {
            var changedGrids = new HashSet<string>(faces.Where(f => f.Grid != cells[f.Cell].Grid).SelectMany(f => new[] { gridCode[f.Grid], cells[f.Cell].Grid }), StringComparer.Ordinal);
            foreach (var g in faces.GroupBy(f => gridCode[f.Grid], StringComparer.Ordinal))
                gridTerritory[g.Key] = changedGrids.Contains(g.Key)
                    ? restorer.Inverse(CoverageUnion.Union(g.Select(f => (Geometry)f.Metric).ToArray()))
                    : current.Grids.First(x => x.Code == g.Key).Territory;
        }
        var gridCounts = micro.GroupBy(m => m.GridCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.HouseholdCount), StringComparer.Ordinal);
        var grids = current.Grids.Where(g => !gridLevel || g.VillageCode != parent)
            .Concat(gridTerritory.Select(kv => new Grid(kv.Key, parent, 0, kv.Value, current.Grids.FirstOrDefault(g => g.Code == kv.Key)?.Pinned ?? false)))
            .Where(g => gridCounts.ContainsKey(g.Code) || micro.Any(m => m.GridCode == g.Code))
            .Select(g => g with { HouseholdCount = gridCounts.GetValueOrDefault(g.Code) })
            .OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var liveGrids = new HashSet<string>(grids.Select(g => g.Code), StringComparer.Ordinal);

        //-- New vertices on the edges of untouched territories go into them too.
        var fresh = new HashSet<Geometry>(changed.Where(lonLat.ContainsKey).Select(k => lonLat[k]), ReferenceEqualityComparer.Instance);
        if (gridLevel) foreach (var g in gridTerritory.Values) fresh.Add(g);
        var inserter = new VertexInserter(projection, changed.Where(territory.ContainsKey)
            .SelectMany(k => territory[k].Coordinates)
            .Where(c => !restorer.IsOriginal(c))
            .Distinct()
            .Select(c => (c, projection.Inverse(c))));
        micro = micro.Select(m => fresh.Contains(m.Territory) ? m : m with { Territory = inserter.Apply(m.Territory) }).ToList();
        grids = grids.Select(g => fresh.Contains(g.Territory) ? g : g with { Territory = inserter.Apply(g.Territory) }).ToList();

        var gridOfMicro = micro.ToDictionary(m => m.Code, m => m.GridCode, StringComparer.Ordinal);
        var assignments = households.Where(h => microCodeOf.ContainsKey(h.Id))
            .Select(h => new Assignment(h.Id, microCodeOf[h.Id], gridOfMicro[microCodeOf[h.Id]]))
            .OrderBy(a => a.HouseholdId, StringComparer.Ordinal).ToList();

        //-- Code history.
        foreach (var (key, (from, level)) in split)
            if (level == "grid") predecessors[gridCode[key]] = [from];
        foreach (var (gone, survivor) in merged)
            if (!predecessors.TryGetValue(survivor, out _)) predecessors[survivor] = [];
        var successors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (code, preds) in predecessors)
            foreach (var p in preds)
            {
                if (!successors.TryGetValue(p, out var set)) successors[p] = set = new(StringComparer.Ordinal);
                set.Add(code);
            }
        foreach (var (gone, survivor) in merged)
        {
            if (!successors.TryGetValue(gone, out var set)) successors[gone] = set = new(StringComparer.Ordinal);
            set.Add(survivor);
        }
        //-- A vanished code's households went somewhere: those units are its successors too.
        foreach (var a in current.Assignments)
            if (!liveCodes.Contains(a.MicroGridCode) && microCodeOf.TryGetValue(a.HouseholdId, out var now))
            {
                if (!successors.TryGetValue(a.MicroGridCode, out var set)) successors[a.MicroGridCode] = set = new(StringComparer.Ordinal);
                set.Add(now);
            }
        var history = new Dictionary<string, CodeRecord>(registry, StringComparer.Ordinal);
        foreach (var g in grids.Where(g => !history.ContainsKey(g.Code) || history[g.Code].ValidTo is not null))
            history[g.Code] = new CodeRecord(g.Code, "grid", g.VillageCode, version, null, predecessors.GetValueOrDefault(g.Code) ?? [], []);
        foreach (var m in micro.Where(m => !history.ContainsKey(m.Code) || history[m.Code].ValidTo is not null))
            history[m.Code] = new CodeRecord(m.Code, "micro_grid", m.GridCode, version, null, predecessors.GetValueOrDefault(m.Code) ?? [], []);
        foreach (var (code, record) in history.ToList())
        {
            if (record.ValidTo is not null || liveCodes.Contains(code) || liveGrids.Contains(code)) continue;
            var next = successors.GetValueOrDefault(code)?.Where(c => liveCodes.Contains(c) || liveGrids.Contains(c)).Order(StringComparer.Ordinal).ToList() ?? [];
            if (record.Level == "grid" && next.Count == 0)
                next = micro.Where(m => predecessors.GetValueOrDefault(m.Code)?.Any(p => p.StartsWith(code, StringComparison.Ordinal)) == true)
                    .Select(m => m.GridCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            //-- Born in this very version and gone again (a recompute's unit a pin took back): never issued.
            if (record.ValidFrom >= version) history.Remove(code);
            else history[code] = record with { ValidTo = version - 1, Successors = next };
        }

        var result = current with
        {
            Version = version,
            Grids = grids,
            MicroGrids = micro,
            Assignments = assignments,
            Codes = history.Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToList(),
        };
        return result with { Report = EditReport.Measure(result, current, townshipMetric, households, metricHouseholds, projection, options) };
    }
}
