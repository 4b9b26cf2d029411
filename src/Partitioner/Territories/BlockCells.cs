using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Territories;

/// <summary>Splits one block among the sites inside it: the Voronoi cells of their locations
/// clipped to the block, noded on the precision grid and polygonized. Cells strictly inside
/// the block are pieces as they are. Reports the vertices noding added to the block's own
/// edge, so the neighbouring blocks can take them too (<see cref="EdgeVertices"/>).</summary>
internal static class BlockCells
{
    public static List<(Polygon Piece, int Site)> Split(Polygon block, IReadOnlyList<(Coordinate At, int Site)> generators,
        PrecisionModel precision, ICollection<Coordinate> addedToEdge)
    {
        var factory = block.Factory;
        var siteAt = new Dictionary<Coordinate, int>();
        foreach (var (at, s) in generators) siteAt.TryAdd(at, s);
        var builder = new VoronoiDiagramBuilder();
        //-- A ring of far sentinel sites puts every real site inside the hull: cells of hull
        // sites next to the triangulation's finite frame can come out wrong otherwise.
        var env = new Envelope(block.EnvelopeInternal);
        double reach = 2 * Math.Max(env.Width, env.Height) + 100;
        var all = siteAt.Keys.ToList();
        for (int k = 0; k < 8; k++)
            all.Add(new Coordinate(env.Centre.X + reach * Math.Cos(k * Math.PI / 4), env.Centre.Y + reach * Math.Sin(k * Math.PI / 4)));
        builder.SetSites(all);
        //-- The cells straight from the subdivision: the builder's own clip to an envelope intersects
        //-- every unbounded sentinel cell with a rectangle (an overlay each), and no real cell needs it.
        var diagram = builder.GetSubdivision().GetVoronoiCellPolygons(factory);

        var prepared = PreparedGeometryFactory.Prepare(block);
        var gridFilter = CoordinateMapper.Precise(precision);
        var result = new List<(Polygon, int)>();
        var cut = new List<(Polygon Cell, int Site)>();
        var edges = new List<Geometry>();
        foreach (var geometry in diagram)
        {
            var cell = (Polygon)geometry;
            if (!siteAt.TryGetValue((Coordinate)cell.UserData, out var site)) continue;
            cell.Apply(gridFilter);
            cell.GeometryChanged();
            if (prepared.ContainsProperly(cell)) result.Add((cell, site));
            else
            {
                cut.Add((cell, site));
                edges.Add(cell.ExteriorRing);
            }
        }
        if (cut.Count == 0) return result;

        //-- The cut cells only clipped to a box a metre around the block (convex cells: a cheap ring
        //-- clip), then noded with the block's edge: the faces inside the block are the cells cut by it,
        //-- as an overlay with the block would give them; faces outside it are dropped below.
        var box = new Envelope(block.EnvelopeInternal);
        box.ExpandBy(1);
        var clipper = new RingClipper(box);
        //-- Each Voronoi edge once: neighbouring cells list their shared edge both, and noding it twice
        //-- costs twice and adds nothing (the noded linework keeps each segment once either way).
        var lines = new List<Geometry>(edges.Count + 1) { block.Boundary };
        var seen = new HashSet<(Coordinate, Coordinate)>();
        var run = new List<Coordinate>();
        foreach (var ring in edges)
        {
            if (clipper.Clip(ring.Coordinates) is not { Length: >= 4 } part) continue;
            for (int k = 0; k + 1 < part.Length; k++)
            {
                var (a, b) = (part[k], part[k + 1]);
                if (seen.Add(SharedEdges.Key(a, b)))
                {
                    if (run.Count == 0) run.Add(a);
                    run.Add(b);
                    continue;
                }
                if (run.Count > 0) lines.Add(factory.CreateLineString([.. run]));
                run.Clear();
            }
            if (run.Count > 0) lines.Add(factory.CreateLineString([.. run]));
            run.Clear();
        }
        var noded = FaceBuilder.Node(factory.BuildGeometry(lines), precision);
        var blockLocator = new IndexedPointInAreaLocator(block);
        var own = new HashSet<Coordinate>(block.Coordinates);
        foreach (var p in FaceBuilder.Polygonize(noded))
        {
            var at = p.InteriorPoint.Coordinate;
            if (blockLocator.Locate(at) != Location.Interior) continue;
            if (result.Any(r => r.Item1.EnvelopeInternal.Contains(at) && SimplePointInAreaLocator.Locate(at, r.Item1) == Location.Interior)) continue;
            int owner = -1;
            foreach (var (cell, s) in cut)
                if (cell.EnvelopeInternal.Contains(at) && SimplePointInAreaLocator.Locate(at, cell) == Location.Interior) { owner = s; break; }
            if (owner < 0) owner = generators.MinBy(g => g.At.Distance(at)).Site;
            result.Add((p, owner));
            foreach (var c in p.ExteriorRing.Coordinates)
                if (!own.Contains(c)) addedToEdge.Add(c);
        }
        return result;
    }
}
