using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>Collects buildings, households and streets drawn in the local frame and stores them
/// in lon/lat with their ids (B + village code + serial, S + township code + serial) in the
/// order they are drawn, which the seeded generator makes the same on every run.</summary>
internal sealed class Layers(LocalFrame frame, string townshipCode, Polygon outline)
{
    private int _buildings, _streets;

    public List<GeneratedBuilding> Buildings { get; } = [];

    public List<GeneratedHousehold> Households { get; } = [];

    public List<GeneratedStreet> Streets { get; } = [];

    /// <summary>A rectangle of <paramref name="length"/> × <paramref name="depth"/> metres centred on
    /// <paramref name="c"/>, its length along <paramref name="angle"/>; returns the building id.</summary>
    public string AddBuilding(string villageCode, Coordinate c, double length, double depth, double angle, int floors, string use)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var corners = new[] { (-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1) }
            .Select(p => frame.ToLonLat(new Coordinate(c.X + p.Item1 * length / 2 * cos - p.Item2 * depth / 2 * sin, c.Y + p.Item1 * length / 2 * sin + p.Item2 * depth / 2 * cos)))
            .ToArray();
        var id = $"B{villageCode}{++_buildings:D5}";
        Buildings.Add(new GeneratedBuilding(id, villageCode, LocalFrame.LonLat.CreatePolygon(corners), floors, use));
        return id;
    }

    public void AddHousehold(string id, string villageCode, Coordinate at, string buildingId, int? floor, string? unit, string? room, string address, int persons) =>
        Households.Add(new GeneratedHousehold(id, villageCode, frame.Point(at), buildingId, floor, unit, room, address, persons));

    /// <summary>Adds the parts of a line inside the township (a line leaving and re-entering it becomes several streets).</summary>
    public void AddStreet(IReadOnlyList<Coordinate> line, string kind, string name)
    {
        if (line.Count < 2) return;
        var clipped = OverlayNGRobust.Overlay(LocalFrame.Metric.CreateLineString(line.ToArray()), outline, SpatialFunction.Intersection);
        for (int i = 0; i < clipped.NumGeometries; i++)
            if (clipped.GetGeometryN(i) is LineString part && part.Length >= 15)
            {
                var mapped = frame.Line(part);
                if (mapped.NumPoints >= 2)
                    Streets.Add(new GeneratedStreet($"S{townshipCode}{++_streets:D5}", mapped, kind, name));
            }
    }

    public static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
