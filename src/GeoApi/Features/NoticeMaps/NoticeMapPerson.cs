namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>One responsible person as printed: role (网格员, 网格长, …), name and phone (null: not shown
/// to this caller); <see cref="Unit"/> names the grid for a village's page.</summary>
public sealed record NoticeMapPerson(string Role, string? Name, string? Phone, string? Unit = null);
