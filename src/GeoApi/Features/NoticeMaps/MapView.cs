using NetTopologySuite.Geometries;
using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Metric coordinates (x east, y north) → page points (y down) at one uniform scale, so
/// the map is never squashed: the framed envelope is centred in the map rectangle with a margin.</summary>
public sealed class MapView
{
    private readonly double _scale, _centreX, _centreY;

    public MapView(Envelope framed, SKRect map, float margin)
    {
        Map = map;
        double width = Math.Max(framed.Width, 1), height = Math.Max(framed.Height, 1);
        _scale = Math.Min((map.Width - 2 * margin) / width, (map.Height - 2 * margin) / height);
        _centreX = framed.Centre.X;
        _centreY = framed.Centre.Y;
    }

    /// <summary>The map's rectangle on the page.</summary>
    public SKRect Map { get; }

    /// <summary>Page points per metre.</summary>
    public double PointsPerMetre => _scale;

    public SKPoint ToPage(Coordinate c) =>
        new((float)(Map.MidX + (c.X - _centreX) * _scale), (float)(Map.MidY - (c.Y - _centreY) * _scale));

    /// <summary>The geometry as a path: polygons with their holes (even-odd), lines as open figures, points skipped.</summary>
    public SKPath ToPath(Geometry geometry)
    {
        using var path = new SKPathBuilder { FillType = SKPathFillType.EvenOdd };
        Add(path, geometry);
        return path.Detach();
    }

    private void Add(SKPathBuilder path, Geometry g)
    {
        switch (g)
        {
            case Polygon p:
                Ring(path, p.ExteriorRing.Coordinates, close: true);
                foreach (var hole in p.InteriorRings) Ring(path, hole.Coordinates, close: true);
                break;
            case LineString l:
                Ring(path, l.Coordinates, close: false);
                break;
            case GeometryCollection c:
                foreach (var part in c.Geometries) Add(path, part);
                break;
        }
    }

    private void Ring(SKPathBuilder path, Coordinate[] coordinates, bool close)
    {
        if (coordinates.Length < 2) return;
        path.MoveTo(ToPage(coordinates[0]));
        for (int i = 1; i < coordinates.Length; i++) path.LineTo(ToPage(coordinates[i]));
        if (close) path.Close();
    }
}
