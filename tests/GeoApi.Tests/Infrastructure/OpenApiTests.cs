using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

/// <summary>The OpenAPI document as integrators and linters read it: every operation named and
/// secured by the API key, the version the OGC landing page declares, and no error from redocly
/// (the version pinned in tools/openapi-lint, installed by npm ci when missing).</summary>
[Collection("db")]
public class OpenApiTests(DatabaseFixture db)
{
    [Fact]
    public async Task Document_EveryOperation_HasAnOperationIdTheApiKeyAndA401()
    {
        var doc = await db.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var ids = new HashSet<string>();
        int operations = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "patch" or "delete"))
            {
                operations++;
                var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(op.Value.TryGetProperty("operationId", out var id) && ids.Add(id.GetString()!), $"{name}: no operationId, or a repeated one");
                Assert.True(op.Value.TryGetProperty("security", out var security)
                    && security.EnumerateArray().Any(r => r.TryGetProperty("ApiKey", out _)), $"{name}: not secured by the API key");
                Assert.True(op.Value.GetProperty("responses").TryGetProperty("401", out _), $"{name}: no 401");
            }
        Assert.True(operations > 40, $"{operations} operations");
    }

    [Fact]
    public async Task LandingPage_ServiceDesc_DeclaresTheOpenApiVersionServed()
    {
        using var http = db.Client();
        var landing = await http.GetFromJsonAsync<JsonElement>("/ogc");
        var link = landing.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
        var doc = await http.GetFromJsonAsync<JsonElement>(new Uri(link.GetProperty("href").GetString()!).PathAndQuery);
        var served = doc.GetProperty("openapi").GetString()!;
        Assert.Equal($"application/vnd.oai.openapi+json;version={served[..served.LastIndexOf('.')]}", link.GetProperty("type").GetString());
        var conformance = await http.GetFromJsonAsync<JsonElement>("/ogc/conformance");
        Assert.Equal(served.StartsWith("3.0.", StringComparison.Ordinal),
            conformance.GetProperty("conformsTo").EnumerateArray().Any(c => c.GetString()!.EndsWith("/conf/oas30", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Document_RedoclyLint_FindsNoError()
    {
        Skip.If(!File.Exists("/usr/bin/npm"), "npm is not installed");
        var tool = Path.Combine(Samples.Root(), "tools", "openapi-lint");
        if (!File.Exists(Path.Combine(tool, "node_modules", ".bin", "redocly")))
        {
            var (code, output) = await Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], tool);
            Assert.True(code == 0, $"npm ci: {output}");
        }
        var file = Path.Combine(Path.GetTempPath(), $"gs-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await db.Client().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        try
        {
            var (_, output) = await Run(Path.Combine(tool, "node_modules", ".bin", "redocly"), ["lint", file, "--format=json", "--max-problems=1000"], tool);
            var report = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
            var errors = report.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("severity").GetString() == "error")
                .Select(p => $"{p.GetProperty("ruleId").GetString()} {p.GetProperty("location")[0].GetProperty("pointer").GetString()}: {p.GetProperty("message").GetString()}").ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.Equal(0, report.GetProperty("totals").GetProperty("errors").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Exit code and standard output (standard error apart: redocly writes its notices there).</summary>
    private static async Task<(int, string)> Run(string file, string[] args, string directory)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["REDOCLY_TELEMETRY"] = "off";
        psi.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, p.ExitCode == 0 || output.Length > 0 ? output : await error);
    }
}
