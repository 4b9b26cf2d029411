using System.Runtime.CompilerServices;
using GridSpatial.Partitioner.Territories;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>Figures of a layer of features (buildings, barriers, streets) worked out once per list: a
/// service keeps a township's layers as the same lists from one recompute to the next (they change only
/// on an import), and each recompute checked and digested every feature of them again (on 50,000
/// households, a fifth of a local recompute's preparation). An entry lives as long as its list and holds
/// while the list has the same features in the same order with the same coordinates
/// (<see cref="GeometryStamp"/>): a list or a geometry changed in place is worked out again.</summary>
internal static class LayerMemo
{
    private sealed record Entry(object[] Features, long[] Stamps, Dictionary<string, object> Figures);

    private static readonly ConditionalWeakTable<object, Entry> Kept = [];

    /// <summary>The <paramref name="figure"/> of <paramref name="layer"/> (a name that says everything
    /// else it depends on), from <paramref name="compute"/> unless worked out for this list as it is now.
    /// A figure whose computation throws is not kept.</summary>
    public static TValue Of<TFeature, TValue>(IReadOnlyList<TFeature> layer, Func<TFeature, Geometry> geometry, string figure, Func<TValue> compute)
        where TFeature : class where TValue : notnull
    {
        var stamps = new long[layer.Count];
        for (int i = 0; i < stamps.Length; i++) stamps[i] = GeometryStamp.Of(geometry(layer[i]));
        Entry? entry;
        lock (Kept)
        {
            if (Kept.TryGetValue(layer, out entry) && Holds(entry, layer, stamps))
            {
                if (entry.Figures.TryGetValue(figure, out var kept)) return (TValue)kept;
            }
            else entry = null;
        }
        var value = compute();
        lock (Kept)
        {
            if (entry is null || !Kept.TryGetValue(layer, out var now) || !ReferenceEquals(now, entry))
            {
                entry = new Entry([.. layer], stamps, new(StringComparer.Ordinal));
                Kept.AddOrUpdate(layer, entry);
            }
            entry.Figures[figure] = value;
        }
        return value;
    }

    private static bool Holds<TFeature>(Entry entry, IReadOnlyList<TFeature> layer, long[] stamps) where TFeature : class
    {
        if (entry.Features.Length != layer.Count) return false;
        for (int i = 0; i < stamps.Length; i++)
            if (!ReferenceEquals(entry.Features[i], layer[i]) || entry.Stamps[i] != stamps[i]) return false;
        return true;
    }
}
