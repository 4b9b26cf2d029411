using System.Globalization;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>One township's published micro-grids as the lookup index holds them: the entries in
/// stack order (a stack is the micro-grids sharing one territory — a building's floor runs — lowest
/// code first; stacks ordered by that code), their territories packed (<see cref="PackedTerritories"/>,
/// territory i is stack i) and the cell grid over them. Immutable once built.</summary>
internal sealed class TownshipIndex
{
    private readonly int[] _stackStart;

    private TownshipIndex(string code, string name, int version, Envelope extent, IReadOnlyDictionary<string, string> villages,
        IReadOnlyDictionary<string, int> grids, MicroGridEntry[] entries, int[] stackStart, PackedTerritories territories, (CellGrid, int[])? previous)
    {
        (Code, Name, Version, Extent, Villages, Grids) = (code, name, version, extent, villages, grids);
        (Entries, _stackStart, Territories) = (entries, stackStart, territories);
        Grid = new CellGrid(territories, previous);
    }

    private static long _generations;

    /// <summary>This index among every one this process built: what caches of its answers are keyed by.</summary>
    public long Generation { get; } = Interlocked.Increment(ref _generations);

    public string Code { get; }
    public string Name { get; }
    public int Version { get; }
    public Envelope Extent { get; }
    public IReadOnlyDictionary<string, string> Villages { get; }
    public IReadOnlyDictionary<string, int> Grids { get; }

    /// <summary>Every micro-grid indexed, in stack order: what the next version's reload carries over.</summary>
    public MicroGridEntry[] Entries { get; }

    public PackedTerritories Territories { get; }
    public CellGrid Grid { get; }
    public int MicroGrids => Entries.Length;
    public int Stacks => _stackStart.Length - 1;

    /// <summary>The micro-grids of stack <paramref name="stack"/>, lowest code first.</summary>
    public ArraySegment<MicroGridEntry> Members(int stack) => new(Entries, _stackStart[stack], _stackStart[stack + 1] - _stackStart[stack]);

    /// <summary>Bytes of this object's fields, as <see cref="Prefetch.Object"/> warms it.</summary>
    public const int FieldBytes = 96;

    /// <summary>The stack whose territory contains the point (lowest code on a shared edge), or null.</summary>
    public LookupHit? Find(double x, double y) => Grid.Find(x, y) is var s and >= 0 ? new LookupHit(this, s) : null;

    /// <summary>The batch-lookup answer for a point in this stack's territory (without the point).</summary>
    public byte[] Json(int stack)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, LookupAnswer.WriterOptions))
            LookupAnswer.Write(w, LookupAnswer.Dto(0, 0, new LookupHit(this, stack)));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A copy of this township under another code, moved by (<paramref name="dx"/>, <paramref name="dy"/>)
    /// degrees, with a cell grid of its own: <c>bench lookup --copies</c>'s stand-in for a province.</summary>
    public TownshipIndex Shifted(string code, double dx, double dy)
    {
        var extent = new Envelope(Extent.MinX + dx, Extent.MaxX + dx, Extent.MinY + dy, Extent.MaxY + dy);
        return new TownshipIndex(code, Name, Version, extent, Villages, Grids, Entries, _stackStart, Territories.Shifted(dx, dy), null);
    }

    /// <summary>What a reload to a later version keeps of this index: every micro-grid not named
    /// <paramref name="changed"/> (its row closed since this version), with its stack's territory copied into
    /// <paramref name="territories"/> once per stack. The rows returned go on to <see cref="Build"/> with the
    /// new version's other micro-grids; <c>Carried</c> maps each copied territory's number to its stack here.</summary>
    public (List<(MicroGridEntry Entry, int Territory)> Rows, Dictionary<int, int> Carried) Carry(PackedTerritories.Builder territories, IReadOnlySet<string> changed)
    {
        var rows = new List<(MicroGridEntry Entry, int Territory)>(Entries.Length);
        var carried = new Dictionary<int, int>();
        for (int s = 0; s < Stacks; s++)
        {
            int territory = -1;
            foreach (var e in Members(s))
                if (!changed.Contains(e.Code))
                {
                    if (territory < 0) carried[territory = territories.Add(Territories, s)] = s;
                    rows.Add((e, territory));
                }
        }
        return (rows, carried);
    }

    /// <summary>The index of micro-grids whose territories were added to <paramref name="territories"/>
    /// (each entry with its territory's number there). <paramref name="carried"/> names the territories that
    /// are stacks of <paramref name="previous"/> carried over (the territory's number there → the stack), so
    /// the cell grid re-tests only the cells around the others.</summary>
    public static TownshipIndex Build(string code, string name, int version, Envelope extent, IReadOnlyDictionary<string, string> villages,
        IReadOnlyDictionary<string, int> grids, PackedTerritories.Builder territories, IReadOnlyList<(MicroGridEntry Entry, int Territory)> rows,
        TownshipIndex? previous = null, IReadOnlyDictionary<int, int>? carried = null)
    {
        var stacks = rows.GroupBy(r => r.Territory)
            .Select(g => (Territory: g.Key, Members: g.Select(r => r.Entry).Order(MicroGridEntry.ByCode).ToArray()))
            .OrderBy(s => s.Members[0], MicroGridEntry.ByCode)
            .ToList();
        var entries = new MicroGridEntry[rows.Count];
        var start = new int[stacks.Count + 1];
        for (int s = 0; s < stacks.Count; s++)
        {
            stacks[s].Members.CopyTo(entries, start[s]);
            start[s + 1] = start[s] + stacks[s].Members.Length;
        }
        //-- A carried territory counts as the same one only while its stack answers with the same lowest code:
        //-- where territories overlap, the lowest code wins a cell, so a stack whose first member changed has its cells tested again.
        var before = previous is not null && carried is not null
            ? (previous.Grid, stacks.Select(s => carried.TryGetValue(s.Territory, out var o) && ReferenceEquals(previous.Members(o)[0], s.Members[0]) ? o : -1).ToArray())
            : default((CellGrid, int[])?);
        return new TownshipIndex(code, name, version, extent, villages, grids, entries, start, territories.Build(stacks.Select(s => s.Territory).ToList()), before);
    }
}

/// <summary>A micro-grid in the lookup index: what an answer says about it. Grid, village, kind and
/// unit strings are shared within a township; an 18-digit code is held as its number (8 bytes
/// instead of a 64-byte string) and written out when asked for.</summary>
public sealed class MicroGridEntry(string code, string gridCode, string villageCode, string kind, int householdCount, int? floorFrom, int? floorTo)
{
    private readonly long _number = Number(code);
    private readonly string? _code = Number(code) < 0 ? code : null;

    public string Code => _code ?? _number.ToString(CultureInfo.InvariantCulture);
    public string GridCode { get; } = gridCode;
    public string VillageCode { get; } = villageCode;
    public string Kind { get; } = kind;
    public int HouseholdCount { get; } = householdCount;
    public int? FloorFrom { get; } = floorFrom;
    public int? FloorTo { get; } = floorTo;

    /// <summary>The unit (单元) of a floor run split by units.</summary>
    public string? Unit { get; init; }

    /// <summary>Orders as <see cref="Code"/> does (ordinal), without writing codes out.</summary>
    public static readonly IComparer<MicroGridEntry> ByCode = Comparer<MicroGridEntry>.Create((a, b) =>
        a._code is null && b._code is null ? a._number.CompareTo(b._number) : string.CompareOrdinal(a.Code, b.Code));

    //-- Equal-length digit strings without a leading zero order as their numbers.
    private static long Number(string code) =>
        code.Length == 18 && code[0] != '0' && long.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}

/// <summary>A lookup's hit: stack <see cref="StackNumber"/> of the township.</summary>
internal sealed record LookupHit(TownshipIndex Township, int StackNumber)
{
    /// <summary>The micro-grid answered: the stack's lowest code.</summary>
    public MicroGridEntry MicroGrid => Township.Entries[Stack.Offset];

    public ArraySegment<MicroGridEntry> Stack => Township.Members(StackNumber);
}
