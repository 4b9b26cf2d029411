using GridSpatial.GeoApi.SampleData;

namespace GridSpatial.GeoApi.Tests.Features.Citus;

/// <summary>A test database on the Citus cluster of scripts/citus.sh (GRIDSPATIAL_CITUS_DB, set by
/// scripts/test.sh when the cluster came up), migrated, with the API running on it as a process of
/// its own (<see cref="ApiProcessFixture"/>), and one generated township imported and partitioned
/// through the API. Nothing when there is no cluster: the tests skip.</summary>
public class CitusFixture : ApiProcessFixture
{
    /// <summary>The Citus classes' own collection: one after another among themselves, beside the "db" collection
    /// (their cluster, databases and API processes are their own; PostgresRestartTests restarts the other server only).
    /// In "db" their fixtures' set-up alone (a database on every node, a township imported and partitioned) added 45 s
    /// to the suite's longest lane.</summary>
    public const string Collection = "citus";

    /// <summary>The township of the plan tests (codes 530627270–530627279 belong to them).</summary>
    public const string Township = "530627270";

    public CitusFixture() : this(new TownshipGenerator(270).Generate(Township, "分片镇", 104.95, 27.30, 600)) { }

    /// <param name="generated">The township imported and partitioned (a class's own code and place).</param>
    protected CitusFixture(GeneratedTownship generated) : base(CitusDatabases.Admin ?? "") => Generated = generated;

    /// <summary>A cluster to run on, and the Release build of the API to run there.</summary>
    public static bool Available => CitusDatabases.Admin is not null && File.Exists(ApiProcess.Dll);

    public const string Unavailable = "no Citus cluster (GRIDSPATIAL_CITUS_DB; scripts/citus.sh) or no Release build of GeoApi";

    public GeneratedTownship Generated { get; }

    public override async Task InitializeAsync()
    {
        if (!Available) return;
        await base.InitializeAsync();
        var http = Client();
        await Samples.ImportAsync(http, Generated, "villages", "buildings", "barriers", "households");
        await Samples.PartitionAsync(http, Db, Generated.Township.Code, force: true);
    }

    public override async Task DisposeAsync()
    {
        if (!Available) return;
        await base.DisposeAsync();
    }
}
