using System.Security.Cryptography;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>What a partition was computed from besides its households: the township and village
/// boundaries, buildings, barriers, streets, the layer it nests in and the options, as one SHA-256 (hex), independent of
/// the order the layers came in. Recomputing only the grids whose households changed is right only
/// while this is the same: a new barrier, street or boundary can move any border.</summary>
public static class InputsDigest
{
    public static string Of(PartitionInput input, PartitionOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var wkb = new WKBWriter();
        void Text(string? s)
        {
            var bytes = Encoding.UTF8.GetBytes(s ?? "\u0000");
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        void Geom(Geometry g)
        {
            var bytes = wkb.Write(g);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        Text(options.ToString());
        Text(input.Township.Code);
        Geom(input.Township.Boundary);
        foreach (var v in input.Villages.OrderBy(v => v.Code, StringComparer.Ordinal)) { Text(v.Code); Geom(v.Boundary); }
        foreach (var b in input.Buildings.OrderBy(b => b.Id, StringComparer.Ordinal)) { Text(b.Id); Text(b.Floors?.ToString(System.Globalization.CultureInfo.InvariantCulture)); Geom(b.Footprint); }
        foreach (var b in input.Barriers.OrderBy(b => b.Id, StringComparer.Ordinal)) { Text(b.Id); Geom(b.Line); }
        Text("streets");
        foreach (var s in input.Streets.OrderBy(s => s.Id, StringComparer.Ordinal)) { Text(s.Id); Geom(s.Line); }
        //-- Only when nesting: the digests of every partition made before nesting existed stay what they were.
        if (input.Nest is { } nest)
        {
            Text("nest");
            Text(nest.Layer);
            Text(nest.LevelName);
            foreach (var u in nest.Units.OrderBy(u => u.Code, StringComparer.Ordinal)) { Text(u.Code); Geom(u.Area); }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
