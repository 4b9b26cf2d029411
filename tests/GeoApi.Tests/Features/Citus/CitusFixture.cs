using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Citus;

/// <summary>A test database on the Citus cluster of scripts/citus.sh (GRIDSPATIAL_CITUS_DB, set by
/// scripts/test.sh when the cluster came up), migrated, with the API running on it and one
/// generated township imported and partitioned through the API. Nothing when there is no cluster:
/// the tests skip.</summary>
public sealed class CitusFixture() : DatabaseFixture(CitusDatabases.Admin ?? "")
{
    /// <summary>The township of these tests (codes 530627270–530627279 belong to the Citus tests).</summary>
    public const string Township = "530627270";

    public static bool Available => CitusDatabases.Admin is not null;

    public GeneratedTownship Generated { get; } = new TownshipGenerator(270).Generate(Township, "分片镇", 104.95, 27.30, 600);

    //-- The in-process API reads these; the "db" collection's API was started with its own, put back afterwards.
    private static readonly string[] Variables = ["ConnectionStrings__GridSpatial", "GRIDSPATIAL_URL", "GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY"];

    public override async Task InitializeAsync()
    {
        if (!Available) return;
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try { await base.InitializeAsync(); }
        finally { foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value); }
        var http = Client();
        await Samples.ImportAsync(http, Generated, "villages", "buildings", "barriers", "households");
        await Samples.PartitionAsync(http, Db, Township, force: true);
    }

    public override Task DisposeAsync() => Available ? base.DisposeAsync() : Task.CompletedTask;
}
