using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Geometries;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The partition inputs of the few townships this process last recomputed that are most of
/// a load and change rarely or a little at a time (on 50,000 households: 170 ms of households and
/// 90 ms of building footprints, of a 230-ms load): building footprints, barriers and streets, kept
/// while the township's <c>layers_version</c> stays the same; households, kept for one data version
/// and brought forward by rereading only the households the change log (<c>household_change</c>)
/// names for every data version since (layers are read again after <see cref="LayersFor"/> whatever
/// their version). Both are kept for one life of the township
/// (<c>incarnation</c>: a township deleted and imported again numbers its versions afresh). The
/// township, its villages and its nesting are small and read every time. What is kept is exactly
/// what a fresh read gives (households in id order); nothing that reads it changes it. A process
/// that runs no recomputes keeps nothing (a <see cref="TownshipCache{T}"/> of capacity 0).</summary>
public sealed class KeptInputs(int capacity = KeptInputs.DefaultCapacity)
{
    public const int DefaultCapacity = PublishedPartitions.DefaultCapacity;

    /// <summary>A township's kept inputs: <paramref name="Layers"/> at <paramref name="LayersVersion"/>,
    /// <paramref name="Households"/> at <paramref name="DataVersion"/>, both of life <paramref name="Incarnation"/>.</summary>
    private sealed record Entry(Guid Incarnation, long LayersVersion, Layers? Layers, long DataVersion, IReadOnlyList<HouseholdInput>? Households)
    {
        /// <summary>When the layers were read.</summary>
        public DateTime LayersRead { get; init; }
    }

    /// <summary>How long kept layers are used: the imports bump <c>layers_version</c>, but a write by
    /// anything else (an operator's SQL, an older binary during a rolling deploy) would otherwise be
    /// missed for as long as the process lives.</summary>
    public static readonly TimeSpan LayersFor = TimeSpan.FromMinutes(5);

    /// <summary>The static layers the partitioner reads.</summary>
    public sealed record Layers(IReadOnlyList<BuildingInput> Buildings, IReadOnlyList<BarrierInput> Barriers, IReadOnlyList<StreetInput> Streets);

    /// <summary>Which life of the township, and the versions of its layers and data, a load sees.</summary>
    public sealed record Stamp(Guid Incarnation, long LayersVersion, long DataVersion);

    private readonly TownshipCache<Entry> _entries = new(capacity);

    /// <summary>Loads of <paramref name="township"/> that took its layers, and its households, from
    /// what was kept, and the households reread for them.</summary>
    public (int Layers, int Households, int Reread) HitsOf(string township)
    {
        var c = _entries.CountsOf(township, 3);
        return (c[0], c[1], c[2]);
    }

    /// <summary>The township's buildings, barriers and streets as of <paramref name="stamp"/>, read in
    /// <paramref name="tx"/> unless kept.</summary>
    public async Task<Layers> LayersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, Stamp stamp, CancellationToken ct)
    {
        var entry = Find(township, stamp.Incarnation);
        if (entry is { Layers: { } kept } && entry.LayersVersion == stamp.LayersVersion && DateTime.UtcNow - entry.LayersRead < LayersFor)
        {
            Count(township, layers: 1);
            return kept;
        }
        var layers = new Layers(
            await PartitionStore.ReadList(conn, tx, "SELECT id, geom, floors FROM building WHERE township_code = $1", township, null,
                r => new BuildingInput(r.GetString(0), r.GetFieldValue<Geometry>(1), r.IsDBNull(2) ? null : r.GetInt32(2)), ct),
            await PartitionStore.ReadList(conn, tx, "SELECT id, geom, kind FROM barrier WHERE township_code = $1", township, null,
                r => new BarrierInput(r.GetString(0), r.GetFieldValue<Geometry>(1), r.GetString(2)), ct),
            await PartitionStore.ReadList(conn, tx, "SELECT id, geom, kind FROM street WHERE township_code = $1", township, null,
                r => new StreetInput(r.GetString(0), r.GetFieldValue<Geometry>(1), r.GetString(2)), ct));
        var read = DateTime.UtcNow;
        Keep(township, stamp, e => e.LayersVersion <= stamp.LayersVersion ? e with { LayersVersion = stamp.LayersVersion, Layers = layers, LayersRead = read } : e);
        return layers;
    }

    /// <summary>The township's households in id order as of <paramref name="stamp"/>: the kept ones of
    /// an earlier data version with the ones the change log names since reread, or all read in
    /// <paramref name="tx"/> when nothing is kept or the log cannot say (an import, versions pruned).</summary>
    public async Task<IReadOnlyList<HouseholdInput>> HouseholdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township, Stamp stamp, CancellationToken ct)
    {
        var entry = Find(township, stamp.Incarnation);
        IReadOnlyList<HouseholdInput>? households = null;
        if (entry is { Households: { } kept } && entry.DataVersion <= stamp.DataVersion)
        {
            households = entry.DataVersion == stamp.DataVersion ? kept : await BroughtForwardAsync(conn, tx, township, kept, entry.DataVersion, stamp.DataVersion, ct);
            if (households is not null) Count(township, households: 1);
        }
        households ??= await ReadHouseholds(conn, tx, township, null, ct);
        Keep(township, stamp, e => e.DataVersion <= stamp.DataVersion ? e with { DataVersion = stamp.DataVersion, Households = households } : e);
        return households;
    }

    /// <summary>The township's households in id order (the partitioner's input order does not matter, the editor's output order follows it);
    /// only those of <paramref name="ids"/> when given.</summary>
    internal static Task<List<HouseholdInput>> ReadHouseholds(NpgsqlConnection conn, NpgsqlTransaction tx, string township, string[]? ids, CancellationToken ct) =>
        PartitionStore.ReadList(conn, tx, $"SELECT id, geom, building_id, floor, unit FROM household WHERE township_code = $1{(ids is null ? "" : " AND id = ANY($2)")} ORDER BY id",
            township, ids, r => new HouseholdInput(r.GetString(0), r.GetFieldValue<Point>(1).Coordinate, r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4)), ct);

    /// <summary><paramref name="kept"/> (of data version <paramref name="from"/>) as of data version
    /// <paramref name="to"/>: each household the log names for a version since replaced by its row now,
    /// or dropped when it has none; null when some version since has no row or names no household.</summary>
    private async Task<IReadOnlyList<HouseholdInput>?> BroughtForwardAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string township,
        IReadOnlyList<HouseholdInput> kept, long from, long to, CancellationToken ct)
    {
        //-- The log keeps the last TownshipState.ChangeLogLength versions of a township.
        if (to - from > TownshipState.ChangeLogLength) return null;
        var versions = Enumerable.Range(1, (int)(to - from)).Select(k => from + k).ToArray();
        var log = await PartitionStore.ReadList(conn, tx, "SELECT household_id FROM household_change WHERE township_code = $1 AND data_version = ANY($2)", township, versions,
            r => r.IsDBNull(0) ? null : r.GetString(0), ct);
        if (log.Count != to - from || log.Any(id => id is null)) return null;
        var changed = log.ToHashSet(StringComparer.Ordinal)!;
        var now = (await ReadHouseholds(conn, tx, township, [.. changed!], ct)).ToDictionary(h => h.Id, StringComparer.Ordinal);
        var households = new List<HouseholdInput>(kept.Count);
        int found = 0;
        foreach (var h in kept)
        {
            if (!changed.Contains(h.Id)) households.Add(h);
            else if (now.TryGetValue(h.Id, out var row)) { households.Add(row); found++; }
        }
        //-- A single edit changes or deletes a household, never adds one; a row of an id not kept means the log is wrong: read all.
        if (found != now.Count) return null;
        Count(township, reread: changed.Count);
        return households;
    }

    private Entry? Find(string township, Guid incarnation) => _entries.Get(township) is { } e && e.Incarnation == incarnation ? e : null;

    private void Keep(string township, Stamp stamp, Func<Entry, Entry> update) =>
        _entries.Update(township, e => update(e is not null && e.Incarnation == stamp.Incarnation ? e : new Entry(stamp.Incarnation, -1, null, -1, null)));

    private void Count(string township, int layers = 0, int households = 0, int reread = 0) => _entries.Count(township, layers, households, reread);
}
