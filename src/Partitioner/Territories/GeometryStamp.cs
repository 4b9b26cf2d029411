using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Territories;

/// <summary>A 64-bit digest of a geometry's coordinates and their structure (parts, rings, sizes),
/// a tenth of the time of writing it out: what a memo of a territory (its projection, its validity,
/// its WKB) keeps beside what it remembers, so that a territory changed in place since is measured
/// again instead of answered from the memo (NetTopologySuite geometries are mutable, and hand out
/// copies of their envelopes, so neither identity nor the envelope tells).</summary>
public static class GeometryStamp
{
    public static long Of(Geometry g)
    {
        ulong h = 14695981039346656037UL ^ (ulong)g.NumGeometries;
        for (int i = 0; i < g.NumGeometries; i++)
        {
            var part = g.GetGeometryN(i);
            if (part is Polygon p)
            {
                h = Add(h, p.ExteriorRing.CoordinateSequence);
                foreach (var hole in p.InteriorRings) h = Add(h, hole.CoordinateSequence);
            }
            else if (part is LineString l) h = Add(h, l.CoordinateSequence);
            else if (part is Point pt && !pt.IsEmpty) h = Add(h, pt.CoordinateSequence);
        }
        return (long)h;
    }

    private static ulong Add(ulong h, CoordinateSequence seq)
    {
        h = Mix(h, (ulong)seq.Count);
        for (int i = 0; i < seq.Count; i++)
        {
            h = Mix(h, (ulong)BitConverter.DoubleToInt64Bits(seq.GetX(i)));
            h = Mix(h, (ulong)BitConverter.DoubleToInt64Bits(seq.GetY(i)));
        }
        return h;
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v;
        h *= 0x100000001B3UL;
        return h ^ (h >> 29);
    }
}
