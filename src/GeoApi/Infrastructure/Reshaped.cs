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

    /// <summary>The rule between two stored rows <paramref name="before"/> and <paramref name="after"/>
    /// (aliases of rows with <c>geom</c> and <c>geom_digest</c>): when retention dropped either
    /// territory, the digests kept of the exact territories decide instead (any change of the
    /// stored geometry counts, since the land can no longer be measured).</summary>
    public static string StoredSql(string before, string after) =>
        $"CASE WHEN {before}.geom IS NULL OR {after}.geom IS NULL THEN {Digest(before)} IS DISTINCT FROM {Digest(after)} " +
        $"ELSE {Sql(before + ".geom", after + ".geom")} END";

    /// <summary>The digest of a stored row's exact territory: kept by retention, or computed.</summary>
    public static string Digest(string row) => $"coalesce({row}.geom_digest, {DigestOf(row + ".geom")})";

    /// <summary>The digest retention keeps of a territory it drops: MD5 of its exact EWKB.</summary>
    public static string DigestOf(string geom) => $"decode(md5(ST_AsEWKB({geom})), 'hex')";

    /// <summary>The same rule as a SQL condition on two geometry expressions.</summary>
    public static string Sql(string before, string after) => FormattableString.Invariant(
        $"(NOT ST_OrderingEquals({before}, {after}) AND ST_Area(ST_SymDifference({before}, {after})) > {Tolerance:E0} * greatest(ST_Area({before}), ST_Area({after})))");
}
