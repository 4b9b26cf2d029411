namespace GridSpatial.GeoApi.Features.Ogc;

/// <summary>The JSON Schema type of a feature property: what a filter may compare it with.</summary>
public enum QueryableType
{
    Text,
    WholeNumber,
    Number,
    Boolean,
}
