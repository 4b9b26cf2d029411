using System.Text;
using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.Cli;

/// <summary>The edit the recompute benches replay (and tests of versions make): a household moved
/// about 2 m north-east of another one, so it joins that household's micro-grid and a recompute
/// changes the one or two grids of the two households.</summary>
internal static class BenchEdit
{
    /// <summary>Where the moved household goes: beside <paramref name="other"/>.</summary>
    public static Coordinate Beside(Coordinate other) => new(other.X + 0.00002, other.Y + 0.00002);

    /// <summary><c>PATCH /api/households/{id}</c> moving the household beside <paramref name="other"/>.</summary>
    public static HttpRequestMessage MoveBeside(string id, Coordinate other) => MoveTo(id, Beside(other));

    /// <summary><c>PATCH /api/households/{id}</c> moving the household to <paramref name="to"/>.</summary>
    public static HttpRequestMessage MoveTo(string id, Coordinate to)
    {
        var body = FormattableString.Invariant($"{{\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{to.X},{to.Y}]}}}}");
        return new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/households/{Uri.EscapeDataString(id)}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
    }
}
