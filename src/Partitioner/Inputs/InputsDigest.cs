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
        void Text(string? s) => Write(hash.AppendData, s);
        void Geom(Geometry g) => Write(hash.AppendData, wkb, g);
        Text(options.ToString());
        Text(input.Township.Code);
        Geom(input.Township.Boundary);
        foreach (var v in input.Villages.OrderBy(v => v.Code, StringComparer.Ordinal)) { Text(v.Code); Geom(v.Boundary); }
        //-- The layers' parts are the same bytes whether written here or kept from an earlier digest of the same list.
        hash.AppendData(Part(input.Buildings, b => b.Footprint, b => b.Id, (b, add) => { Write(add, b.Id); Write(add, b.Floors?.ToString(System.Globalization.CultureInfo.InvariantCulture)); }));
        hash.AppendData(Part(input.Barriers, b => b.Line, b => b.Id, (b, add) => Write(add, b.Id)));
        Text("streets");
        hash.AppendData(Part(input.Streets, s => s.Line, s => s.Id, (s, add) => Write(add, s.Id)));
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

    /// <summary>A layer's part of the digest: each feature in id order, its texts then its geometry (kept per list, <see cref="LayerMemo"/>).</summary>
    private static byte[] Part<T>(IReadOnlyList<T> layer, Func<T, Geometry> geometry, Func<T, string> id, Action<T, Action<byte[]>> texts) where T : class =>
        LayerMemo.Of(layer, geometry, "digest", () =>
        {
            using var bytes = new MemoryStream();
            void Add(byte[] b) => bytes.Write(b);
            var wkb = new WKBWriter();
            foreach (var f in layer.OrderBy(id, StringComparer.Ordinal))
            {
                texts(f, Add);
                Write(Add, wkb, geometry(f));
            }
            return bytes.ToArray();
        });

    private static void Write(Action<byte[]> add, string? s)
    {
        var bytes = Encoding.UTF8.GetBytes(s ?? "\u0000");
        add(BitConverter.GetBytes(bytes.Length));
        add(bytes);
    }

    private static void Write(Action<byte[]> add, WKBWriter wkb, Geometry g)
    {
        var bytes = wkb.Write(g);
        add(BitConverter.GetBytes(bytes.Length));
        add(bytes);
    }
}
