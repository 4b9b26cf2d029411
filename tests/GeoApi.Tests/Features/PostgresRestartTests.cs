using GridSpatial.GeoApi.Cli;
using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>PostgreSQL restarted for real under mixed reads and writes through an API with its job
/// server and a second API process without one (<see cref="FaultDrill"/>, three cycles here, thirty
/// in <c>bench faults</c>). The restart takes the server from every other test's database too, so
/// this collection runs alone, after the others (<see cref="RestartGroup"/>); its API is a process
/// of its own, as the "db" collection's in-process host is gone by then.</summary>
[Collection(RestartGroup.Name)]
public class PostgresRestartTests(ApiProcessFixture db)
{
    private readonly HttpClient _http = db.Client();

    private static string DataDir => Path.Combine(Samples.Root(), ".local", "pg");

    [SkippableFact]
    public async Task PostgresRestartedThreeTimes_UnderMixedLoadOnTwoApis_No500_WritesDoneOr503_NothingStuck()
    {
        Skip.If(!File.Exists(Path.Combine(DataDir, "postmaster.pid")) || Environment.UserName != "root", "needs the local cluster of scripts/pg.sh, run as root");
        const string code = "530627140";
        var t = new TownshipGenerator(140).Generate(code, "故障镇", 104.30, 28.70, 400);
        await Samples.ImportAsync(_http, t, "villages", "buildings", "households", "barriers");
        await Samples.PartitionAsync(_http, db.Db, code, force: false);

        using var api = ApiProcess.Start(db, new() { ["Hangfire__Server"] = "false" });
        using var other = await api.ClientAsync(db.AdminKey);
        var drill = new FaultDrill([_http, other], db.Db, code, [.. t.Households.Select(h => (h.Id, h.Location.X, h.Location.Y))],
            ct => FaultDrill.RestartLocalPostgresAsync(DataDir, ct));
        var outcome = await drill.RunAsync(3, CancellationToken.None);

        var report = FaultDrill.Describe(outcome) + "\n" + string.Join("\n", outcome.Failures)
            + (outcome.ServerErrors > 0 ? "\n-- the API processes' last lines:\n" + db.ApiTail + "\n--\n" + api.Tail : "");
        Assert.True(outcome.ServerErrors == 0, report);
        Assert.True(outcome.OtherErrors == 0, report);
        Assert.True(outcome.LostWrites == 0, report);
        Assert.True(outcome.UnknownJobs == 0, report);
        Assert.True(outcome.Settled, report);
        Assert.True(outcome.WorstRecovery < TimeSpan.FromSeconds(10), report);
        Assert.True(outcome.WritesDone > 0 && outcome.Ok > outcome.Requests / 2, report);

        //-- Every published version is whole: the current version of every township has its micro-grids and assignments.
        await using var check = db.Db.CreateCommand("""
            SELECT count(*) FROM township_state s WHERE s.current_version IS NOT NULL AND (
                NOT EXISTS (SELECT 1 FROM current_micro_grid m WHERE m.township_code = s.township_code)
                OR (SELECT count(*) FROM current_assignment a WHERE a.township_code = s.township_code)
                   <> (SELECT (report->>'households')::int - (report->>'unassigned_households')::int FROM partition_version v WHERE v.township_code = s.township_code AND v.version = s.current_version))
            """);
        Assert.Equal(0L, (long)(await check.ExecuteScalarAsync())!);
    }
}

/// <summary>Tests that restart the shared PostgreSQL server: run alone, once every other collection is done.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RestartGroup : ICollectionFixture<ApiProcessFixture>
{
    public const string Name = "restarts";
}
