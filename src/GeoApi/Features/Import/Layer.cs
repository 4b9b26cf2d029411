namespace GridSpatial.GeoApi.Features.Import;

/// <summary>The layers that can be imported below a township.</summary>
public enum Layer
{
    Villages,
    Buildings,
    Households,
    Barriers,
    Streets,
}
