using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;
using GridSpatial.Partitioner.Households;
using GridSpatial.Partitioner.Projection;

namespace GridSpatial.Partitioner.Territories;

/// <summary>The atoms of every territory: the township cut by barriers, village boundaries and
/// the Voronoi edges of each face's household locations, noded on one precision grid and
/// polygonized, so the pieces form an exact coverage (shared edges have identical vertices).
/// Every piece is owned by one site or by the empty land of a village; each site's pieces are
/// connected and hold all its locations in their interior or on their boundary.</summary>
public sealed class Tessellation
{
    private readonly List<Polygon> _pieces = [];
    private readonly List<int> _pieceFace = [];
    private int[] _owner = [];
    private readonly Dictionary<(int, int), double> _shared = [];

    public IReadOnlyList<Polygon> Pieces => _pieces;

    /// <summary>Owner of each piece: a site index, or <c>-1 - k</c> for empty unit k.</summary>
    public IReadOnlyList<int> Owner => _owner;

    /// <summary>Face of each site (of its first location).</summary>
    public IReadOnlyList<int> SiteFace { get; private set; } = [];

    /// <summary>Villages of the empty units: land of a village where no household lives.</summary>
    public IReadOnlyList<int> EmptyUnitVillage { get; private set; } = [];

    public static Tessellation Build(Geometry township, IReadOnlyList<Face> faces, Geometry faceLinework,
        IReadOnlyList<Site> sites, PrecisionModel precision)
    {
        var t = new Tessellation();
        t.Compute(township, faces, faceLinework, sites, precision);
        return t;
    }

    private void Compute(Geometry township, IReadOnlyList<Face> faces, Geometry faceLinework, IReadOnlyList<Site> sites, PrecisionModel precision)
    {
        var factory = township.Factory;
        var faceIndex = new STRtree<Face>();
        foreach (var f in faces) faceIndex.Insert(f.Polygon.EnvelopeInternal, f);
        faceIndex.Build();
        var faceLocators = faces.Select(f => new IndexedPointInAreaLocator(f.Polygon)).ToArray();

        int LocateFace(Coordinate c, out bool onBoundary)
        {
            onBoundary = false;
            int boundaryFace = -1;
            foreach (var f in faceIndex.Query(new Envelope(c)).OrderBy(f => f.Index))
            {
                var loc = faceLocators[f.Index].Locate(c);
                if (loc == Location.Interior) return f.Index;
                if (loc == Location.Boundary && boundaryFace < 0) boundaryFace = f.Index;
            }
            onBoundary = boundaryFace >= 0;
            return boundaryFace;
        }

        // 1. Generators: every distinct location of every site, in its face.
        var generatorsOfFace = new List<(Coordinate At, int Site)>[faces.Count];
        for (int i = 0; i < faces.Count; i++) generatorsOfFace[i] = [];
        var siteFace = new int[sites.Count];
        var boundaryGenerators = new List<(Coordinate At, int Site)>();
        for (int s = 0; s < sites.Count; s++)
        {
            siteFace[s] = -1;
            foreach (var at in sites[s].Locations)
            {
                int f = LocateFace(at, out var onBoundary);
                if (f < 0)
                    throw new Inputs.InputException("households", null, sites[s].Households[0].Id, "geometry",
                        $"Household '{sites[s].Households[0].Id}' lies outside the township boundary.");
                if (siteFace[s] < 0) siteFace[s] = f;
                generatorsOfFace[f].Add((at, s));
                if (onBoundary) boundaryGenerators.Add((at, s));
            }
        }
        SiteFace = siteFace;
        // 2. Voronoi cells of each face, vertices on the precision grid. A cell strictly inside
        //    its face is a piece as it is; only cells at the face boundary are clipped and noded.
        const double discRadius = 0.5;
        var discIndex = new STRtree<Coordinate>();
        foreach (var (at, _) in boundaryGenerators) discIndex.Insert(new Envelope(at), at);
        discIndex.Build();
        var lines = new List<Geometry> { faceLinework };
        var cellIndex = new STRtree<(Polygon Cell, int Site, int Face)>();
        var interiorCells = new STRtree<Polygon>();
        var interior = new List<(Polygon Cell, int Site, int Face)>();
        var gridFilter = CoordinateMapper.Precise(precision);
        foreach (var face in faces)
        {
            var gens = generatorsOfFace[face.Index];
            if (gens.Count < 2) continue;
            var siteAt = new Dictionary<Coordinate, int>();
            foreach (var (at, s) in gens) siteAt.TryAdd(at, s);
            var builder = new VoronoiDiagramBuilder();
            //-- A ring of far sentinel sites puts every real site inside the hull: cells of hull
            // sites next to the triangulation's finite frame can come out wrong otherwise.
            var env = new Envelope(face.Polygon.EnvelopeInternal);
            double reach = 2 * Math.Max(env.Width, env.Height) + 100;
            var sites_ = siteAt.Keys.ToList();
            for (int k = 0; k < 8; k++)
                sites_.Add(new Coordinate(env.Centre.X + reach * Math.Cos(k * Math.PI / 4), env.Centre.Y + reach * Math.Sin(k * Math.PI / 4)));
            builder.SetSites(sites_);
            env.ExpandBy(reach * 2);
            builder.ClipEnvelope = env;
            var diagram = builder.GetDiagram(factory);
            var prepared = PreparedGeometryFactory.Prepare(face.Polygon);
            var edges = new List<Geometry>();
            for (int i = 0; i < diagram.NumGeometries; i++)
            {
                var cell = (Polygon)diagram.GetGeometryN(i);
                if (!siteAt.TryGetValue((Coordinate)cell.UserData, out var site)) continue;
                cell.Apply(gridFilter);
                cell.GeometryChanged();
                var near = new Envelope(cell.EnvelopeInternal);
                near.ExpandBy(2 * discRadius);
                if (discIndex.Query(near).Count == 0 && prepared.ContainsProperly(cell))
                {
                    interior.Add((cell, site, face.Index));
                    interiorCells.Insert(cell.EnvelopeInternal, cell);
                }
                else
                {
                    cellIndex.Insert(cell.EnvelopeInternal, (cell, site, face.Index));
                    edges.Add(cell.ExteriorRing);
                }
            }
            if (edges.Count == 0) continue;
            var clipped = OverlayNGRobust.Overlay(factory.BuildGeometry(edges), face.Polygon, SpatialFunction.Intersection);
            if (!clipped.IsEmpty) lines.Add(clipped);
        }
        cellIndex.Build();
        interiorCells.Build();

        // 3. A household on a face boundary (on a barrier) gets a small disc of its own, so it
        //    lies inside its territory rather than on the edge between two.
        foreach (var (at, _) in boundaryGenerators)
            lines.Add(factory.CreatePoint(at).Buffer(discRadius, 4).Boundary);

        // 4. Node the rest together and polygonize; what falls inside an interior cell is
        //    that cell, already a piece.
        var noded = FaceBuilder.Node(factory.BuildGeometry(lines.SelectMany(Flatten)), precision);
        var polygonized = new List<Polygon>();
        foreach (var p in FaceBuilder.Polygonize(noded))
        {
            var at = p.InteriorPoint.Coordinate;
            int f = LocateFace(at, out _);
            if (f < 0) continue;
            if (interiorCells.Query(new Envelope(at)).Any(c => SimplePointInAreaLocator.Locate(at, c) == Location.Interior)) continue;
            polygonized.Add(p);
            _pieces.Add(p);
            _pieceFace.Add(f);
        }
        // 5. Owners: the generator whose Voronoi cell holds the piece.
        var owners = new List<int>(_pieces.Count + interior.Count);
        for (int i = 0; i < _pieces.Count; i++)
        {
            var at = _pieces[i].InteriorPoint.Coordinate;
            int owner = -1;
            foreach (var (g, s) in boundaryGenerators)
                if (g.Distance(at) < discRadius * 1.01 && (owner < 0 || s < owner)) owner = s;
            if (owner < 0)
            {
                var gens = generatorsOfFace[_pieceFace[i]];
                if (gens.Count == 1) owner = gens[0].Site;
                else if (gens.Count > 1)
                {
                    foreach (var (cell, s, f) in cellIndex.Query(new Envelope(at)))
                        if (f == _pieceFace[i] && SimplePointInAreaLocator.Locate(at, cell) == Location.Interior) { owner = s; break; }
                    if (owner < 0) owner = gens.MinBy(g => g.At.Distance(at)).Site;
                }
            }
            owners.Add(owner);
        }
        foreach (var (cell, site, face) in interior)
        {
            _pieces.Add(cell);
            _pieceFace.Add(face);
            owners.Add(site);
        }
        _owner = owners.ToArray();
        ComputeSharedEdges();
        RepairOrphans(sites, faces);
    }

    private static IEnumerable<Geometry> Flatten(Geometry g)
    {
        if (g is GeometryCollection gc) { for (int i = 0; i < gc.NumGeometries; i++) foreach (var x in Flatten(gc.GetGeometryN(i))) yield return x; }
        else if (g is LineString) yield return g;
        else if (g is Polygon p) yield return p.Boundary;
    }

    private void ComputeSharedEdges()
    {
        var firstOwner = new Dictionary<(Coordinate, Coordinate), int>();
        for (int i = 0; i < _pieces.Count; i++)
        {
            foreach (var ring in Rings(_pieces[i]))
            {
                var cs = ring.Coordinates;
                for (int k = 0; k + 1 < cs.Length; k++)
                {
                    var a = cs[k];
                    var b = cs[k + 1];
                    var key = a.CompareTo(b) < 0 ? (a, b) : (b, a);
                    if (firstOwner.Remove(key, out var j))
                    {
                        var pair = j < i ? (j, i) : (i, j);
                        _shared[pair] = _shared.GetValueOrDefault(pair) + a.Distance(b);
                    }
                    else firstOwner[key] = i;
                }
            }
        }
    }

    internal static IEnumerable<LineString> Rings(Polygon p)
    {
        yield return p.ExteriorRing;
        foreach (var hole in p.InteriorRings) yield return hole;
    }

    /// <summary>Owners whose pieces share an edge, keyed by ordered pair, with the total length.</summary>
    public Dictionary<(int, int), double> OwnerAdjacency(Func<int, int> unitOfOwner)
    {
        var result = new Dictionary<(int, int), double>();
        foreach (var ((a, b), len) in _shared)
        {
            int ua = unitOfOwner(_owner[a]), ub = unitOfOwner(_owner[b]);
            if (ua == ub) continue;
            var key = ua < ub ? (ua, ub) : (ub, ua);
            result[key] = result.GetValueOrDefault(key) + len;
        }
        return result;
    }

    /// <summary>Neighbours of every piece with the shared edge length.</summary>
    public List<(int Piece, double Length)>[] Neighbours()
    {
        var n = new List<(int, double)>[_pieces.Count];
        for (int i = 0; i < n.Length; i++) n[i] = [];
        foreach (var ((a, b), len) in _shared.OrderBy(kv => kv.Key))
        {
            n[a].Add((b, len));
            n[b].Add((a, len));
        }
        return n;
    }

    /// <summary>A Voronoi cell clipped to a non-convex face can fall apart; every part that does
    /// not hold a location of its site, and every piece of a face without households, goes to
    /// the neighbour in the same village it shares the longest edge with. Land that reaches no
    /// site of its village (an exclave) goes to the nearest site of the village, or becomes an
    /// empty unit when the village has no household at all.</summary>
    private void RepairOrphans(IReadOnlyList<Site> sites, IReadOnlyList<Face> faces)
    {
        var neighbours = Neighbours();
        var villageOfPiece = _pieceFace.Select(f => faces[f].Village).ToArray();

        // Home pieces: those holding a location of their owner.
        var pieceIndex = new STRtree<int>();
        for (int i = 0; i < _pieces.Count; i++) pieceIndex.Insert(_pieces[i].EnvelopeInternal, i);
        pieceIndex.Build();
        var reached = new bool[_pieces.Count];
        var queue = new Queue<int>();
        for (int s = 0; s < sites.Count; s++)
        {
            foreach (var at in sites[s].Locations)
            {
                foreach (var i in pieceIndex.Query(new Envelope(at)))
                    if (_owner[i] == s && !reached[i] && SimplePointInAreaLocator.Locate(at, _pieces[i]) != Location.Exterior) { reached[i] = true; queue.Enqueue(i); }
            }
        }
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            foreach (var (j, _) in neighbours[i])
                if (!reached[j] && _owner[j] == _owner[i]) { reached[j] = true; queue.Enqueue(j); }
        }
        for (int i = 0; i < _pieces.Count; i++)
            if (!reached[i]) _owner[i] = int.MinValue;

        // Adopt orphans by the longest shared edge within the village, wave by wave.
        bool changed = true;
        while (changed)
        {
            changed = false;
            var adopt = new List<(int Piece, int Owner)>();
            for (int i = 0; i < _pieces.Count; i++)
            {
                if (_owner[i] != int.MinValue) continue;
                int best = int.MinValue;
                double bestLength = 0;
                foreach (var (j, len) in neighbours[i])
                    if (_owner[j] != int.MinValue && villageOfPiece[j] == villageOfPiece[i] && len > bestLength)
                        (best, bestLength) = (_owner[j], len);
                if (best != int.MinValue) adopt.Add((i, best));
            }
            foreach (var (i, o) in adopt) { _owner[i] = o; changed = true; }
        }

        // What is left reaches no site of its village.
        var emptyVillages = new List<int>();
        var emptyUnitOfVillage = new Dictionary<int, int>();
        for (int i = 0; i < _pieces.Count; i++)
        {
            if (_owner[i] != int.MinValue) continue;
            int v = villageOfPiece[i];
            var at = _pieces[i].InteriorPoint.Coordinate;
            int nearest = -1;
            double nearestDistance = double.MaxValue;
            for (int s = 0; s < sites.Count; s++)
            {
                if (faces[SiteFace[s]].Village != v) continue;
                double d = sites[s].Centre.Distance(at);
                if (d < nearestDistance) (nearest, nearestDistance) = (s, d);
            }
            if (nearest >= 0) { _owner[i] = nearest; continue; }
            if (!emptyUnitOfVillage.TryGetValue(v, out var unit))
            {
                unit = emptyVillages.Count;
                emptyVillages.Add(v);
                emptyUnitOfVillage[v] = unit;
            }
            _owner[i] = -1 - unit;
        }
        EmptyUnitVillage = emptyVillages;
    }
}
