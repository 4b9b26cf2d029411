using System.Text.Json.Nodes;

namespace GridSpatial.GeoApi.Tests.Features.Layers;

/// <summary>A departmental layer made by a test: n × n squares (in degrees) over a township's extent
/// grown by 1 %, those that reach into the township (a unit must), codes <c>S{i}-{j}</c> and names <c>单元{i}-{j}</c>.</summary>
internal static class LayerSquares
{
    public static async Task<JsonObject> OfAsync(Npgsql.NpgsqlDataSource db, string township, int n)
    {
        var e = await Samples.ExtentAsync(db, township);
        double w = e.MaxX - e.MinX, h = e.MaxY - e.MinY;
        double x0 = e.MinX - w * 0.01, y0 = e.MinY - h * 0.01, dx = w * 1.02 / n, dy = h * 1.02 / n;
        var features = new List<JsonObject>();
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double ax = x0 + i * dx, ay = y0 + j * dy, bx = ax + dx, by = ay + dy;
                await using var reaches = db.CreateCommand("SELECT ST_Intersects(geom, ST_MakeEnvelope($2, $3, $4, $5, 4326)) FROM township WHERE code = $1");
                reaches.Parameters.AddWithValue(township);
                foreach (var v in new[] { ax, ay, bx, by }) reaches.Parameters.AddWithValue(v);
                if (!(bool)(await reaches.ExecuteScalarAsync())!) continue;
                features.Add(Samples.Feature(new JsonObject { ["code"] = $"S{i}-{j}", ["name"] = $"单元{i}-{j}" },
                    Samples.Polygon((ax, ay), (bx, ay), (bx, by), (ax, by), (ax, ay))));
            }
        return Samples.Collection([.. features]);
    }
}
