using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>The level that nests in a departmental layer (多网合一): every grid (and so every
/// micro-grid) inside one of its units, or only every micro-grid.</summary>
public enum NestLevel { Grid, MicroGrid }

/// <summary>A departmental layer the partition nests in: its units' borders act as barriers that
/// the units of <paramref name="Level"/> never cross (a barrier that binds, unlike the input's
/// barriers, which a group below the hard minimum may cross). Land outside every unit is a zone
/// of its own (units there nest in nothing); land of two or more units belongs to the one whose
/// code sorts first (lon/lat, like every input).</summary>
public sealed record NestInput(string Layer, int LayerVersion, NestLevel Level, IReadOnlyList<NestUnit> Units)
{
    /// <summary>The level as the API and the report name it: <c>grid</c> or <c>micro_grid</c>.</summary>
    public string LevelName => Level == NestLevel.Grid ? "grid" : "micro_grid";

    /// <summary>The level named <paramref name="name"/> (<c>grid</c>, <c>micro_grid</c>), or null.</summary>
    public static NestLevel? ParseLevel(string? name) => name switch
    {
        "grid" => NestLevel.Grid,
        "micro_grid" => NestLevel.MicroGrid,
        _ => null,
    };
}

/// <summary>One departmental unit: its code and its (multi)polygon.</summary>
public sealed record NestUnit(string Code, Geometry Area);
