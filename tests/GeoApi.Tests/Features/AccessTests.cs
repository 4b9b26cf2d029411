using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>Every role against every kind of endpoint, inside and outside its jurisdiction:
/// the expected 2xx, 401, 403 or 404, table-driven; keys are created, used and revoked
/// through the API, and writes land in the audit log under the key's name.</summary>
[Collection("db")]
public class AccessTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Inside = "530627190", Outside = "530627191";
    private readonly HttpClient _admin = db.Client();
    private readonly Dictionary<string, string?> _keys = new() { ["anonymous"] = null };
    private string _micro = "", _outsideMicro = "", _household = "", _outsideHousehold = "";
    private double[] _point = [], _outsidePoint = [];
    private (int X, int Y) _tile;

    public async Task InitializeAsync()
    {
        foreach (var (code, lon, seed) in new[] { (Inside, 104.60, 190), (Outside, 104.70, 191) })
        {
            await Samples.ImportAsync(_admin, new TownshipGenerator(seed).Generate(code, "权限镇", lon, 27.90, 300), "villages", "buildings", "households", "barriers");
            await Samples.PartitionAsync(_admin, db.Db, code, force: false);
        }
        foreach (var role in new[] { "viewer", "integrator", "editor" })
            _keys[role] = await CreateKey($"{role}-{Inside}-{Guid.NewGuid():N}", role, Inside);
        _keys["admin"] = await CreateKey($"admin-{Guid.NewGuid():N}", "admin", "");
        (_micro, _household, _point) = await Samples.ClusterHouseholdAsync(db.Db, Inside);
        (_outsideMicro, _outsideHousehold, _outsidePoint) = await Samples.ClusterHouseholdAsync(db.Db, Outside);
        _tile = ((int)Math.Floor((_point[0] + 180) / 360 * 16384),
            (int)Math.Floor((1 - Math.Log(Math.Tan(_point[1] * Math.PI / 180) + 1 / Math.Cos(_point[1] * Math.PI / 180)) / Math.PI) / 2 * 16384));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> CreateKey(string name, string role, string jurisdiction)
    {
        var response = await _admin.PostAsJsonAsync("/api/keys", new { name, role, jurisdiction });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static readonly string[] Callers = ["anonymous", "viewer", "integrator", "editor", "admin"];

    [Fact]
    public async Task EveryRoleAgainstEveryEndpoint_GetsTheExpectedStatus()
    {
        string P(double[] p) => FormattableString.Invariant($"lon={p[0]}&lat={p[1]}");
        double d = 0.0005, x = _point[0], y = _point[1];
        var square = JsonSerializer.Serialize(new { geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { x - d, y - d }, new[] { x + d, y - d }, new[] { x + d, y + d }, new[] { x - d, y - d } } } } });
        //-- Expected status per caller: anonymous, viewer, integrator, editor, admin (all but admin hold the inside township only).
        var table = new (string Method, string Path, string? Body, int[] Expected)[]
        {
            ("GET", "/health", null, [200, 200, 200, 200, 200]),
            //-- The viewer page holds no data: anyone gets it (and its sign-in form); its data needs a key.
            ("GET", "/", null, [200, 200, 200, 200, 200]),
            ("GET", "/api/townships", null, [401, 200, 403, 200, 200]),
            ("GET", $"/api/townships/{Inside}", null, [401, 200, 403, 200, 200]),
            ("GET", $"/api/townships/{Outside}", null, [401, 404, 403, 404, 200]),
            ("GET", $"/api/townships/{Inside}/report", null, [401, 200, 403, 200, 200]),
            ("GET", $"/api/townships/{Inside}/versions", null, [401, 200, 403, 200, 200]),
            ("GET", $"/api/townships/{Inside}/export/assignments.csv", null, [401, 200, 403, 200, 200]),
            ("GET", $"/api/townships/{Outside}/export/assignments.csv", null, [401, 404, 403, 404, 200]),
            ("GET", $"/api/lookup?{P(_point)}", null, [401, 200, 200, 200, 200]),
            ("GET", $"/api/lookup?{P(_outsidePoint)}", null, [401, 404, 404, 404, 200]),
            ("GET", $"/api/codes/{_micro}", null, [401, 200, 200, 200, 200]),
            ("GET", $"/api/codes/{_outsideMicro}", null, [401, 404, 404, 404, 200]),
            ("GET", $"/api/households/{_household}/grid", null, [401, 200, 200, 200, 200]),
            ("GET", $"/api/households/{_outsideHousehold}/grid", null, [401, 404, 404, 404, 200]),
            ("PATCH", $"/api/households/{_household}", """{"properties": {"persons": 3}}""", [401, 403, 200, 200, 200]),
            ("PATCH", $"/api/households/{_outsideHousehold}", """{"properties": {"persons": 3}}""", [401, 403, 404, 404, 200]),
            ("POST", $"/api/townships/{Inside}/villages", """{"type": "FeatureCollection", "features": []}""", [401, 403, 403, 200, 200]),
            ("POST", $"/api/townships/{Inside}/partition", null, [401, 403, 403, 202, 202]),
            ("POST", $"/api/townships/{Outside}/partition", null, [401, 403, 403, 403, 202]),
            ("PUT", $"/api/codes/{_micro}/geometry?dryRun=true", square, [401, 403, 403, 200, 200]),
            ("PUT", $"/api/codes/{_outsideMicro}/geometry?dryRun=true", square, [401, 403, 403, 403, 422]),
            ("GET", $"/tiles/micro_grids/14/{_tile.X}/{_tile.Y}.mvt", null, [401, 200, 403, 200, 200]),
            ("GET", "/tiles/grids.json", null, [401, 200, 403, 200, 200]),
            ("GET", "/ogc/collections", null, [401, 200, 403, 200, 200]),
            ("GET", "/api/keys", null, [401, 403, 403, 403, 200]),
            ("GET", "/api/audit", null, [401, 403, 403, 403, 200]),
            ("GET", "/hangfire", null, [401, 403, 403, 403, 200]),
        };
        var failures = new List<string>();
        for (int c = 0; c < Callers.Length; c++)
        {
            using var http = db.Client(_keys[Callers[c]]);
            foreach (var (method, path, body, expected) in table)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode != expected[c])
                    failures.Add($"{Callers[c]} {method} {path}: {(int)response.StatusCode}, expected {expected[c]}");
                if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
                    Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("title", out _));
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task RevokedKey_StopsWorking_AndWritesAreAuditedUnderTheKeysName()
    {
        var name = $"integrator-audit-{Guid.NewGuid():N}";
        var key = await CreateKey(name, "integrator", Inside);
        using var http = db.Client(key);
        var patch = await http.PatchAsync(new Uri($"/api/households/{_household}", UriKind.Relative),
            new StringContent("""{"properties": {"persons": 4}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var audit = await _admin.GetFromJsonAsync<JsonElement>($"/api/audit?actor={name}");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("entityId").GetString() == _household && e.GetProperty("action").GetString() == "patch");

        var keys = await _admin.GetFromJsonAsync<JsonElement>("/api/keys");
        var id = keys.EnumerateArray().Single(k => k.GetProperty("name").GetString() == name).GetProperty("id").GetInt64();
        Assert.DoesNotContain(keys.EnumerateArray(), k => k.TryGetProperty("key", out _) || k.TryGetProperty("hash", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync(new Uri($"/api/keys/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri($"/api/households/{_household}/grid", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task KeysOutsideTheAdminsJurisdiction_OrWithUnknownRoles_AreRefused()
    {
        var countyAdmin = await CreateKey($"county-admin-{Guid.NewGuid():N}", "admin", "530627");
        using var http = db.Client(countyAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/keys", new { name = "x" + Guid.NewGuid(), role = "viewer", jurisdiction = "" })).StatusCode);
        var bad = await _admin.PostAsJsonAsync("/api/keys", new { name = "y" + Guid.NewGuid(), role = "superuser", jurisdiction = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("role", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }
}
