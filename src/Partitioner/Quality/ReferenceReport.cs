using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Projection;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Quality;

/// <summary>The report of a partition made by another method (the PostGIS k-means reference of
/// <c>bench partition</c>), measured by the partitioner's own <see cref="QualityReporter"/> in
/// the same metric CRS, so the two are compared by one definition of every figure. Each unit is
/// a cluster; barrier crossings count units whose households lie in more than one face of the
/// township cut by the barriers (village boundaries cut nothing here). A reference has no grids
/// and no codes: its grid figures are empty.</summary>
public static class ReferenceReport
{
    public static QualityReport Measure(PartitionInput input, IReadOnlyList<ReferenceUnit> units, PartitionOptions options)
    {
        var projection = MetricProjection.For(input.Township.Boundary);
        var township = new LonLatRestorer(projection, TownshipPartitioner.Precision).ToMetric(input.Township.Boundary);
        var location = new Dictionary<string, Coordinate>(input.Households.Count, StringComparer.Ordinal);
        foreach (var h in input.Households) location[h.Id] = projection.Forward(h.Location);
        string Code(int i) => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var members = units.Select(u => u.HouseholdIds.Select(id => location[id]).ToList()).ToList();
        var measured = new MeasuredPartition(
            township,
            input.Households.Select(h => h.Id).ToList(),
            units.SelectMany((u, i) => u.HouseholdIds.Select(id => new Assignment(id, Code(i), ""))).ToList(),
            units.Select(u => projection.Forward(u.Territory)).ToList(),
            units.Select((u, i) => new MeasuredMicroGrid(Code(i), MicroGridKind.Cluster, u.HouseholdIds.Count, i, -1)).ToList(),
            members.Select((m, i) => new MeasuredMembers(i, m)).ToList(),
            [],
            QualityReporter.Guides(input, projection),
            Previous: null);

        var barriers = new BoundaryNoder().Node(township, input.Barriers.Select(b => projection.Forward(b.Line)).ToList());
        var (faces, _) = new FaceBuilder(TownshipPartitioner.Precision).Build(township, barriers, []);
        var faceOf = new FaceLocator(faces);
        var carried = new CarriedFigures(input.Township.Code, 0, projection.Name,
            NonContiguousAllowed: Math.Max(0, township.NumGeometries - 1),
            BarrierCrossings: members.Count(m => m.Select(faceOf.Face).Where(f => f >= 0).Distinct().Count() > 1),
            Faces: faces.Count,
            StrandedHamlets: 0,
            ElapsedMs: new Dictionary<string, long>());
        return new QualityReporter(options).Measure(measured, carried);
    }

    /// <summary>The first face (in face order) a point lies in or on; -1 for none.</summary>
    private sealed class FaceLocator
    {
        private readonly STRtree<int> _index = new();
        private readonly IndexedPointInAreaLocator[] _locators;

        public FaceLocator(IReadOnlyList<Face> faces)
        {
            _locators = faces.Select(f => new IndexedPointInAreaLocator(f.Polygon)).ToArray();
            for (int f = 0; f < faces.Count; f++) _index.Insert(faces[f].Polygon.EnvelopeInternal, f);
            _index.Build();
        }

        public int Face(Coordinate at) => _index.Query(new Envelope(at)).Order()
            .Where(f => _locators[f].Locate(at) != Location.Exterior).DefaultIfEmpty(-1).First();
    }
}
