using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>When a unit's territory counts as reshaped between two versions — one rule for the
/// stored versions' diff (in SQL) and an edit's preview (in memory): its land changed by more than
/// a billionth of its area. A vertex added where a neighbour's new border meets it, or rings that
/// start at another vertex, change nothing.</summary>
public static class Reshaped
{
    /// <summary>Share of the unit's area that must change.</summary>
    public const double Tolerance = 1e-9;

    public static bool Between(Geometry before, Geometry after) =>
        !ReferenceEquals(before, after) && !before.EqualsExact(after)
        && before.SymmetricDifference(after).Area > Tolerance * Math.Max(before.Area, after.Area);

    /// <summary>The same rule as a SQL condition on two geometry expressions.</summary>
    public static string Sql(string before, string after) => FormattableString.Invariant(
        $"(NOT ST_OrderingEquals({before}, {after}) AND ST_Area(ST_SymDifference({before}, {after})) > {Tolerance:E0} * greatest(ST_Area({before}), ST_Area({after})))");
}
