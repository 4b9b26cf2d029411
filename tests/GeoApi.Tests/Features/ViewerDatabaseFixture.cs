namespace GridSpatial.GeoApi.Tests.Features;

/// <summary>The database and API of the viewer's browser tests: a collection of their own, beside the
/// "db" collection. Those tests keep both cores busy drawing maps in software (chromium's GPU process
/// and renderer), while much of "db" waits on processes and jobs at one core: run one after
/// the other, the suite's longest lane held both. Their API runs as a process of its own
/// (<see cref="ApiProcessFixture"/>); the server is shared, so the test that restarts it runs alone
/// (<see cref="PostgresRestartTests"/>).</summary>
public sealed class ViewerDatabaseFixture : ApiProcessFixture
{
    public const string Collection = "viewer";
}

[CollectionDefinition(ViewerDatabaseFixture.Collection)]
public sealed class ViewerGroup : ICollectionFixture<ViewerDatabaseFixture>;
