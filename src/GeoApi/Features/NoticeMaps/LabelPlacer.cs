using SkiaSharp;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Places the map's labels so that no two overlap and none leaves the map: each label,
/// in the order given (largest parts first), takes the first free place of — its full text
/// (code over household count) at its anchor; the code alone at its anchor; the code alone at
/// one of eight spots around the anchor, tied to it by a leader line. A label with no free place
/// is dropped, and counted, so the page can say how many parts are not labelled.</summary>
public sealed class LabelPlacer(SKRect map, float gap)
{
    private readonly List<SKRect> _taken = [];

    /// <summary>Labels dropped for want of room.</summary>
    public int Dropped { get; private set; }

    /// <summary>A place a label took: its box's centre, whether the count is written under the code, and where a leader starts (null: none).</summary>
    public sealed record Placement(SKPoint Centre, bool WithCount, SKPoint? LeaderFrom);

    /// <summary>Marks a box already drawn (the scale bar, the north arrow) so no label covers it.</summary>
    public void Reserve(SKRect box) => _taken.Add(box);

    /// <summary>Places one label: its anchor, the size of its full text and of its code alone; null when dropped.</summary>
    public Placement? Place(SKPoint anchor, SKSize full, SKSize code)
    {
        if (Free(Box(anchor, full)) is { } a) return Take(a, new Placement(anchor, true, null));
        if (Free(Box(anchor, code)) is { } b) return Take(b, new Placement(anchor, false, null));
        //-- Around the anchor, clear of a full label there, nearest spots first: right, left, above, below, then the diagonals.
        float dx = (full.Width + code.Width) / 2 + gap, dy = (full.Height + code.Height) / 2 + gap;
        foreach (var (x, y) in new[] { (dx, 0f), (-dx, 0f), (0f, -dy), (0f, dy), (dx, -dy), (-dx, -dy), (dx, dy), (-dx, dy) })
        {
            var centre = new SKPoint(anchor.X + x, anchor.Y + y);
            if (Free(Box(centre, code)) is { } c) return Take(c, new Placement(centre, false, anchor));
        }
        Dropped++;
        return null;
    }

    private static SKRect Box(SKPoint centre, SKSize size) =>
        new(centre.X - size.Width / 2, centre.Y - size.Height / 2, centre.X + size.Width / 2, centre.Y + size.Height / 2);

    private SKRect? Free(SKRect box)
    {
        var padded = SKRect.Inflate(box, gap / 2, gap / 2);
        if (!map.Contains(padded)) return null;
        return _taken.Any(t => t.IntersectsWith(padded)) ? null : padded;
    }

    private Placement Take(SKRect box, Placement p)
    {
        _taken.Add(box);
        return p;
    }
}
