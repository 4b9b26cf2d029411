namespace GridSpatial.GeoApi.Features.Search;

/// <summary>One thing a search found: a township, village, grid, micro-grid or household
/// (<see cref="Kind"/>), its code (a household's: the micro-grid it is assigned to, null while
/// unassigned), its name (a household's: its address; a micro-grid's: its building), the
/// household's id, the township it lies in and its bounds (west, south, east, north) to zoom to.</summary>
public sealed record SearchHit(string Kind, string? Code, string? Name, string? HouseholdId, string Township, double[] Bbox);

/// <summary>A search's answer: the hits, best first (codes, then names, then households), and
/// whether there were more than those returned.</summary>
public sealed record SearchAnswer(string Query, IReadOnlyList<SearchHit> Hits, bool More);
