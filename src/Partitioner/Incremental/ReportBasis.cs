using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Quality;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Incremental;

/// <summary>What the whole-township report of a local recompute measures against besides the
/// households and territories: the township in the metric CRS, its barrier faces and the guide
/// lines with the coverage and border figures measured so far. They follow only from the inputs the <see cref="InputsDigest"/> covers (boundary,
/// villages, barriers, streets, options, nesting), which a local recompute requires unchanged, so
/// one township's basis serves every recompute of it until one of those changes. Building it
/// (noding the barriers and village borders, polygonizing the faces, projecting the lines) was
/// most of the report's time on a large township.</summary>
internal sealed record ReportBasis(Geometry Township, IReadOnlyList<Face> Faces, IReadOnlyList<Geometry> Guides, MeasuredBefore Before)
{
    private readonly Lock _faces = new();
    private Dictionary<Coordinate, int> _faceOf = [];
    private STRtree<(int Face, IndexedPointInAreaLocator Locator)>? _faceIndex;

    /// <summary>The barrier face holding each household's location (the lowest-numbered of those whose
    /// closure holds it; -1 in none), remembered by its lon/lat: a household that did not move is not
    /// located again (on 50,000 households locating them all was a fifth of a local recompute's report).
    /// Locations no household holds any more are forgotten once the remembered ones outnumber twice the
    /// households, so a township edited all day keeps about one entry per household.</summary>
    public int[] FacesOf(IReadOnlyList<HouseholdInput> households, IReadOnlyList<Coordinate> metric)
    {
        var faces = new int[households.Count];
        lock (_faces)
        {
            for (int i = 0; i < households.Count; i++)
            {
                if (!_faceOf.TryGetValue(households[i].Location, out faces[i]))
                    _faceOf[households[i].Location.Copy()] = faces[i] = Locate(metric[i]);
            }
            if (_faceOf.Count > 2 * households.Count)
            {
                var kept = new Dictionary<Coordinate, int>(households.Count);
                for (int i = 0; i < households.Count; i++) kept[households[i].Location.Copy()] = faces[i];
                _faceOf = kept;
            }
        }
        return faces;
    }

    /// <summary>Locations whose face is remembered.</summary>
    internal int Remembered
    {
        get { lock (_faces) return _faceOf.Count; }
    }

    private int Locate(Coordinate metric)
    {
        if (_faceIndex is null)
        {
            _faceIndex = new STRtree<(int, IndexedPointInAreaLocator)>();
            foreach (var f in Faces) _faceIndex.Insert(f.Polygon.EnvelopeInternal, (f.Index, new IndexedPointInAreaLocator(f.Polygon)));
            _faceIndex.Build();
        }
        return _faceIndex.Query(new Envelope(metric)).Where(x => x.Locator.Locate(metric) != Location.Exterior).Select(x => x.Face).DefaultIfEmpty(-1).Min();
    }

    /// <summary>The townships kept: a process recomputing more at once rebuilds the others' basis
    /// (a 50,000-household township's measured border segments take a few megabytes).</summary>
    private const int Capacity = 16;

    private static readonly Dictionary<string, ReportBasis> Kept = new(StringComparer.Ordinal);
    private static readonly Queue<string> Order = new();

    /// <summary>The basis of <paramref name="input"/>, whose digest is <paramref name="digest"/>.</summary>
    public static ReportBasis For(PartitionInput input, string digest, MetricProjection projection)
    {
        var key = input.Township.Code + "\n" + projection.Name + "\n" + digest;
        lock (Kept)
            if (Kept.TryGetValue(key, out var kept)) return kept;
        var projected = TownshipPartitioner.Project(input, projection);
        var (faces, _) = new FaceBuilder(TownshipPartitioner.Precision).Build(projected.Township, projected.Barriers, projected.VillageGeoms);
        var guides = QualityReporter.Guides(input, projection);
        var basis = new ReportBasis(projected.Township, faces, guides, new MeasuredBefore(new GuidedBorders(projected.Township, guides, remember: true)));
        lock (Kept)
        {
            if (Kept.TryAdd(key, basis)) Order.Enqueue(key);
            while (Order.Count > Capacity) Kept.Remove(Order.Dequeue());
        }
        return basis;
    }
}
