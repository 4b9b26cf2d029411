using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>One OGC API – Features collection over a table: what a feature's id is, which
/// rows are current, and which columns become properties.</summary>
public sealed record OgcLayer(string Id, string Title, string Description, string From, string FeatureId, string Geometry, string Properties)
{
    /// <summary>The row's township code, for the township filter and the caller's jurisdiction.</summary>
    public string TownshipColumn => Id == "townships" ? "x.code" : "x.township_code";

    public static readonly IReadOnlyList<OgcLayer> All =
    [
        new("townships", "Townships (乡镇/街道)", "Township-level units with their 9-digit codes.",
            "township x", "x.code", "x.geom",
            "'code', x.code, 'name', x.name, 'kind', x.kind, 'urban', x.urban, 'county_code', x.county_code"),
        new("villages", "Villages and communities (村/居委会)", "12-digit village units.",
            "village x", "x.code", "x.geom",
            "'code', x.code, 'name', x.name, 'township_code', x.township_code, 'urban', x.urban"),
        new("grids", "Grids (网格)", "Grids of the current partition version of every township.",
            PublishedLayer.Grids.CurrentView + " x", "x.code", "x.geom",
            PublishedLayer.Grids.JsonProperties("x.") + ", 'township_code', x.township_code, 'version', x.version"),
        new("micro_grids", "Micro-grids (微网格)", "Micro-grids of the current partition version of every township.",
            PublishedLayer.MicroGrids.CurrentView + " x", "x.code", "x.geom",
            PublishedLayer.MicroGrids.JsonProperties("x.") + ", 'township_code', x.township_code, 'pinned', x.pinned, 'version', x.version"),
        new("households", "Households (户)", "Household dwellings.",
            "household x", "x.id", "x.geom",
            "'id', x.id, 'township_code', x.township_code, 'building_id', x.building_id, 'floor', x.floor, 'unit', x.unit, 'room', x.room, 'address', x.address, 'persons', x.persons"),
        new("buildings", "Buildings (楼栋)", "Building footprints; feature ids are township:building.",
            "building x", "x.township_code || ':' || x.id", "x.geom",
            "'id', x.id, 'township_code', x.township_code, 'floors', x.floors, 'use', x.use"),
        new("barriers", "Barriers", "Roads, rivers and railways that grids follow; feature ids are township:barrier.",
            "barrier x", "x.township_code || ':' || x.id", "x.geom",
            "'id', x.id, 'township_code', x.township_code, 'kind', x.kind, 'name', x.name"),
        new("streets", "Streets", "Lanes, streets, tracks, paths and ditches that borders prefer to follow (soft guides); feature ids are township:street.",
            "street x", "x.township_code || ':' || x.id", "x.geom",
            "'id', x.id, 'township_code', x.township_code, 'kind', x.kind, 'name', x.name"),
    ];
}
