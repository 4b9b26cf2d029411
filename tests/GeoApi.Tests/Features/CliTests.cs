using System.Diagnostics;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The command line against the test's database: <c>recompute</c> runs the service's
/// own recompute job (lock, audit, configured options), not a shortcut around it.</summary>
[Collection("db")]
public class CliTests(DatabaseFixture db)
{
    private readonly HttpClient _http = db.Client();

    private Task<(int ExitCode, string Output)> Cli(params string[] args) => ApiProcess.RunAsync(args, db);

    [SkippableFact]
    public async Task Recompute_RunsTheServiceJob_AuditedUnderCli()
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        const string code = "530627163";
        await Samples.ImportAsync(_http, new TownshipGenerator(163).Generate(code, "命令镇", 105.5, 27.0, 200), "villages", "households");
        await Samples.SettledAsync(db.Db, TimeSpan.FromSeconds(60), code);
        await Samples.RedrawAsync(_http, db.Db, code);

        var (exit, output) = await Cli("recompute", "--township", code, "--force", "--reason", "from the test");
        Assert.True(exit == 0, output);
        Assert.Contains("published", output, StringComparison.Ordinal);
        await using var cmd = db.Db.CreateCommand("SELECT count(*) FROM audit_log WHERE township_code = $1 AND action = 'recompute' AND actor = 'cli'");
        cmd.Parameters.AddWithValue(code);
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
