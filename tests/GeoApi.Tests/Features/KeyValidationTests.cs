using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>API keys that could not be stored or would mislead in the audit log are refused with a
/// clear error, through the API (400 naming the field) and the command line (exit 1, no stack trace).</summary>
[Collection("db")]
public sealed class KeyValidationTests(DatabaseFixture db)
{
    private readonly HttpClient _admin = db.Client();

    [Theory]
    [InlineData("scheduler", "viewer", "", "name")]
    [InlineData("Anonymous", "viewer", "", "name")]
    [InlineData("cli:root", "viewer", "", "name")]
    [InlineData("evil\u202Egnp.exe", "viewer", "", "name")]
    [InlineData("zero\u200Bwidth", "viewer", "", "name")]
    [InlineData("tab\tname", "viewer", "", "name")]
    [InlineData("ok-name", "viewer", "990", "jurisdiction")]
    [InlineData("ok-name", "viewer", "5306271901234", "jurisdiction")]
    public async Task CreateKey_WithAReservedOrDisguisedNameOrABadJurisdiction_Is400NamingTheField(string name, string role, string jurisdiction, string field)
    {
        var response = await _admin.PostAsJsonAsync("/api/keys", new { name, role, jurisdiction });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("--jurisdiction", "990", "jurisdiction")]
    [InlineData("--jurisdiction", "53062719a", "jurisdiction")]
    [InlineData("--name", "scheduler", "name")]
    public async Task KeysCreateCommand_WithAnInvalidKey_ExitsNonZeroWithAClearError(string option, string value, string field)
    {
        string[] args = ["keys", "create", "--name", $"cli-{Guid.NewGuid():N}", "--role", "viewer"];
        args = option == "--name" ? ["keys", "create", "--name", value, "--role", "viewer"] : [.. args, option, value];
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        int exit;
        try { exit = await GridSpatial.GeoApi.Cli.CliHost.RunAsync(args); }
        finally { Console.SetError(before); }
        Assert.Equal(1, exit);
        Assert.StartsWith("error: Invalid key:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(field, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}
