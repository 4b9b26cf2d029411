namespace GridSpatial.GeoApi.Tests;

/// <summary>A test database as <see cref="DatabaseFixture"/> makes it, with the API running on it as a
/// process of its own (the real executable) instead of in the test process: Hangfire keeps
/// process-wide state, so a second in-process host would share the "db" collection's job storage.
/// What a collection that runs beside "db" (the viewer's, Citus's) or after it stands on.</summary>
public class ApiProcessFixture : DatabaseFixture
{
    private ApiProcess? _api;

    public ApiProcessFixture() { }

    /// <param name="admin">The database the test database is created from.</param>
    protected ApiProcessFixture(string admin) : base(admin) { }

    /// <summary>What the API process wrote last (for a failure message).</summary>
    public string ApiTail => _api?.Tail ?? "";

    protected override async Task StartApiAsync()
    {
        //-- Said at once, not after the 60 s wait for an API that cannot start.
        if (!File.Exists(ApiProcess.Dll))
            throw new InvalidOperationException($"The Release build of GeoApi is not there ({ApiProcess.Dll}): build it (scripts/test.sh does) before these tests.");
        _api = ApiProcess.Start(this);
        (await _api.ClientAsync(AdminKey)).Dispose();
        Address = _api.Address;
    }

    public override async Task DisposeAsync()
    {
        _api?.Dispose();
        await base.DisposeAsync();
    }
}
