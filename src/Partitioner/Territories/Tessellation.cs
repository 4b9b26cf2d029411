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

/// <summary>The atoms of every territory: the township cut by barriers, village boundaries,
/// streets and the Voronoi edges of each face's household locations, noded on one precision grid
/// and polygonized, so the pieces form an exact coverage (shared edges have identical vertices).
/// Every piece is owned by one site or by the empty land of a village; each site's pieces are
/// connected and hold all its locations in their interior or on their boundary. Streets cut
/// the faces into blocks (<see cref="Blocks"/>): a block is split only among the sites inside it,
/// so borders run along streets wherever a street passes between sites.</summary>
public sealed class Tessellation
{
    private readonly List<Polygon> _pieces = [];
    private readonly List<int> _pieceFace = [];
    private int[] _owner = [];
    private readonly Dictionary<(int, int), double> _shared = [];
    // Shared edges inside one block: no street, barrier or village boundary runs along them.
    private readonly Dictionary<(int, int), double> _offGuide = [];

    public IReadOnlyList<Polygon> Pieces => _pieces;

    /// <summary>Owner of each piece: a site index, or <c>-1 - k</c> for empty unit k.</summary>
    public IReadOnlyList<int> Owner => _owner;

    /// <summary>Face of each site (of its first location).</summary>
    public IReadOnlyList<int> SiteFace { get; private set; } = [];

    /// <summary>Villages of the empty units: land of a village where no household lives (of a
    /// village's zone, when the partition nests: <see cref="EmptyUnitZone"/>).</summary>
    public IReadOnlyList<int> EmptyUnitVillage { get; private set; } = [];

    /// <summary>Zones of the empty units (<see cref="NestZones"/>; all 0 when the partition does not nest).</summary>
    public IReadOnlyList<int> EmptyUnitZone { get; private set; } = [];

    public static Tessellation Build(Geometry township, IReadOnlyList<Face> faces, Geometry faceLinework,
        IReadOnlyList<Site> sites, IReadOnlyList<Geometry> streets, PrecisionModel precision)
    {
        var t = new Tessellation();
        t.Compute(township, faces, faceLinework, sites, streets, precision);
        return t;
    }

    private void Compute(Geometry township, IReadOnlyList<Face> faces, Geometry faceLinework, IReadOnlyList<Site> sites,
        IReadOnlyList<Geometry> streets, PrecisionModel precision)
    {
        var blocks = Blocks.Build(township, faces, faceLinework, streets, sites.SelectMany(s => s.Locations), precision);

        // 1. Generators: every distinct location of every site, in its block, and the links of sites.
        var generatorsOfBlock = new List<(Coordinate At, int Site)>[blocks.Polygons.Count];
        for (int b = 0; b < generatorsOfBlock.Length; b++) generatorsOfBlock[b] = [];
        var siteFace = new int[sites.Count];
        var blocksOfLocation = new List<List<int>>[sites.Count];
        for (int s = 0; s < sites.Count; s++)
        {
            siteFace[s] = -1;
            blocksOfLocation[s] = [];
            foreach (var at in sites[s].Locations)
            {
                bool found = false;
                var holding = new List<int>();
                blocksOfLocation[s].Add(holding);
                foreach (var b in blocks.Of(at))
                {
                    if (siteFace[s] < 0) siteFace[s] = blocks.Face[b];
                    generatorsOfBlock[b].Add((at, s));
                    holding.Add(b);
                    found = true;
                }
                if (!found)
                    throw new Inputs.InputException("households", null, sites[s].Households[0].Id, "geometry",
                        $"Household '{sites[s].Households[0].Id}' lies outside the township boundary.");
            }
        }
        SiteFace = siteFace;
        //-- A site's locations alone may not hold its land together (SiteLinks): links join them.
        foreach (var (at, s) in SiteLinks.Of(sites, at => blocks.Locate(at, out _), b => blocks.Face[b]))
            generatorsOfBlock[blocks.Locate(at, out _)].Add((at, s));

        // 2. A block with one site (or none) is one piece; a block shared by several sites is split
        //    among them by the Voronoi cells of their locations. Land without a household is an
        //    orphan until a neighbour adopts it (RepairOrphans).
        var pieces = new List<Polygon>();
        var owners = new List<int>();
        var edgeVertices = new EdgeVertices();
        var firstPiece = new int[blocks.Polygons.Count + 1];
        for (int b = 0; b < blocks.Polygons.Count; b++)
        {
            firstPiece[b] = pieces.Count;
            var gens = generatorsOfBlock[b];
            var block = blocks.Polygons[b];
            int first = gens.Count > 0 ? gens[0].Site : int.MinValue;
            if (gens.All(g => g.Site == first))
            {
                pieces.Add(block);
                owners.Add(first);
                _pieceFace.Add(blocks.Face[b]);
                continue;
            }
            var added = new List<Coordinate>();
            foreach (var (piece, site) in BlockCells.Split(block, gens, precision, added))
            {
                pieces.Add(piece);
                owners.Add(site);
                _pieceFace.Add(blocks.Face[b]);
            }
            edgeVertices.Add(block, added);
        }
        firstPiece[^1] = pieces.Count;
        //-- Pieces are listed block by block: firstPiece holds where each block's run starts.
        int BlockOf(int piece) { int b = Array.BinarySearch(firstPiece, piece); if (b < 0) return ~b - 1; while (b + 1 < firstPiece.Length && firstPiece[b + 1] == piece) b++; return b; }
        _pieces.AddRange(edgeVertices.Apply(pieces, piece => blocks.Polygons[BlockOf(piece)]));
        _owner = owners.ToArray();
        foreach (var (pair, length) in SharedEdges.Of(_pieces))
        {
            _shared[pair] = length;
            if (BlockOf(pair.Item1) == BlockOf(pair.Item2)) _offGuide[pair] = length;
        }
        RepairOrphans(sites, faces, HomePieces(sites, blocksOfLocation, firstPiece));
    }

    /// <summary>Owners whose pieces share an edge, keyed by ordered pair, with the total length.</summary>
    public Dictionary<(int, int), double> OwnerAdjacency(Func<int, int> unitOfOwner) => ByOwner(_shared, unitOfOwner);

    /// <summary>Of <see cref="OwnerAdjacency"/>, the metres no street, barrier or village boundary
    /// runs along (borders through a block): what cutting there costs a border a person would draw.</summary>
    public Dictionary<(int, int), double> OwnerOffGuide(Func<int, int> unitOfOwner) => ByOwner(_offGuide, unitOfOwner);

    private Dictionary<(int, int), double> ByOwner(Dictionary<(int, int), double> edges, Func<int, int> unitOfOwner)
    {
        var result = new Dictionary<(int, int), double>();
        foreach (var ((a, b), len) in edges)
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

    /// <summary>The pieces holding each site's locations (in their interior or on their boundary):
    /// looked for among the pieces of the blocks each location was given to (<see cref="Blocks.Of"/>:
    /// the block holding it, or every block of and around its disc), the only blocks whose land
    /// reaches it.</summary>
    private List<int>[] HomePieces(IReadOnlyList<Site> sites, List<List<int>>[] blocksOfLocation, int[] firstPiece)
    {
        var home = new List<int>[sites.Count];
        for (int s = 0; s < sites.Count; s++)
        {
            home[s] = [];
            for (int l = 0; l < sites[s].Locations.Count; l++)
            {
                var at = sites[s].Locations[l];
                foreach (var b in blocksOfLocation[s][l])
                    for (int i = firstPiece[b]; i < firstPiece[b + 1]; i++)
                        if (_pieces[i].EnvelopeInternal.Contains(at) && !home[s].Contains(i)
                            && SimplePointInAreaLocator.Locate(at, _pieces[i]) != Location.Exterior) home[s].Add(i);
            }
            home[s].Sort();
        }
        return home;
    }

    /// <summary>A Voronoi cell clipped to a non-convex face can fall apart; every part that does
    /// not hold a location of its site, and every piece of a face without households, goes to
    /// the neighbour in the same village it shares the longest edge with. Land that reaches no
    /// site of its village (an exclave) goes to the nearest site of the village, or becomes an
    /// empty unit when the village has no household at all. When the partition nests, "village"
    /// reads "village and zone" throughout: land never changes zone.</summary>
    private void RepairOrphans(IReadOnlyList<Site> sites, IReadOnlyList<Face> faces, List<int>[] home)
    {
        var neighbours = Neighbours();
        var villageOfPiece = _pieceFace.Select(f => (faces[f].Village, faces[f].Zone)).ToArray();

        // Home pieces: those holding a location of their owner.
        var reached = new bool[_pieces.Count];
        var queue = new Queue<int>();
        for (int s = 0; s < sites.Count; s++)
            foreach (var i in home[s])
                if (_owner[i] == s && !reached[i]) { reached[i] = true; queue.Enqueue(i); }
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            foreach (var (j, _) in neighbours[i])
                if (!reached[j] && _owner[j] == _owner[i]) { reached[j] = true; queue.Enqueue(j); }
        }
        for (int i = 0; i < _pieces.Count; i++)
            if (!reached[i]) _owner[i] = int.MinValue;
        //-- A site's land stays in its face's zone (nesting; every zone is 0 otherwise): the disc or link
        //-- piece of a dwelling near a departmental border that reaches across it goes to that side.
        for (int i = 0; i < _pieces.Count; i++)
            if (_owner[i] >= 0 && faces[_pieceFace[i]].Zone != faces[SiteFace[_owner[i]]].Zone) _owner[i] = int.MinValue;

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
        var emptyVillages = new List<(int Village, int Zone)>();
        var emptyUnitOfVillage = new Dictionary<(int, int), int>();
        for (int i = 0; i < _pieces.Count; i++)
        {
            if (_owner[i] != int.MinValue) continue;
            var v = villageOfPiece[i];
            var at = _pieces[i].InteriorPoint.Coordinate;
            int nearest = -1;
            double nearestDistance = double.MaxValue;
            for (int s = 0; s < sites.Count; s++)
            {
                if ((faces[SiteFace[s]].Village, faces[SiteFace[s]].Zone) != v) continue;
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
        EmptyUnitVillage = emptyVillages.Select(v => v.Village).ToList();
        EmptyUnitZone = emptyVillages.Select(v => v.Zone).ToList();
    }
}
