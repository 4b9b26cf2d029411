using GridSpatial.GeoApi.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("GridSpatial.GeoApi.Tests.DatabaseCollectionFirst", "GridSpatial.GeoApi.Tests")]

namespace GridSpatial.GeoApi.Tests;

/// <summary>A fresh database on the real PostGIS server (GRIDSPATIAL_TEST_DB, as started by
/// scripts/test.sh), migrated, and the API running in-process against it. Dropped afterwards.
/// When that server is a Citus coordinator (scripts/citus.sh), the database is made on every node
/// and the migrations distribute it (<see cref="CitusDatabases"/>).</summary>
public class DatabaseFixture : IAsyncLifetime
{
    private readonly string _admin;
    private bool _citus;
    private readonly string _name = "gs_test_" + Guid.NewGuid().ToString("N")[..12];

    public DatabaseFixture() : this(Environment.GetEnvironmentVariable("GRIDSPATIAL_TEST_DB")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=gridspatial_test") { }

    /// <param name="admin">The database the test database is created from.</param>
    protected DatabaseFixture(string admin) => _admin = admin;

    /// <summary>Whether the database is on a Citus cluster.</summary>
    public bool Citus => _citus;
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource Db { get; private set; } = null!;
    /// <summary>The in-process API (null when the fixture runs it as a process, <see cref="StartApiAsync"/>).</summary>
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>The service's loopback address (http://127.0.0.1:port).</summary>
    public string Address { get; protected set; } = "";

    /// <summary>The administrator key the service was started with (GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY).</summary>
    public string AdminKey { get; } = "gs_test_admin_" + Guid.NewGuid().ToString("N");

    /// <summary>A client of the service with the administrator key, or with <paramref name="key"/>, or none (null).</summary>
    public HttpClient Client(string? key = "")
    {
        var http = Factory is null ? new HttpClient { BaseAddress = new Uri(Address) } : Factory.CreateClient();
        key = key == "" ? AdminKey : key;
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    public virtual async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(_admin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", admin);
            await create.ExecuteNonQueryAsync();
            _citus = await CitusDatabases.IsCitusAsync(admin);
            if (_citus) await CitusDatabases.PrepareAsync(admin, _name);
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _name, Pooling = true }.ConnectionString;
        Migrator.Apply(ConnectionString);
        NpgsqlConnection.ClearAllPools();
        Db = Database.Create(ConnectionString);
        await StartApiAsync();
    }

    /// <summary>Starts the API on the database: in-process by default (<see cref="Factory"/>); a
    /// fixture that runs it as a process of its own sets <see cref="Address"/> and leaves Factory null.</summary>
    protected virtual Task StartApiAsync()
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__GridSpatial", ConnectionString);
        Environment.SetEnvironmentVariable("GRIDSPATIAL_URL", "http://127.0.0.1:0");
        Environment.SetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY", AdminKey);
        //-- A real Kestrel on a free loopback port, so outside clients (GDAL) can reach the same service.
        Factory = new WebApplicationFactory<Program>();
        Factory.UseKestrel();
        Factory.StartServer();
        Address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        await Db.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        if (_citus) await CitusDatabases.DropAsync(admin, _name);
    }

    /// <summary>A digest of every row of the data a write may touch (and of each township's data
    /// version): equal before and after means nothing changed. Partitions are left out, since
    /// background recomputes publish them at any moment. Per table the row count and the sum of
    /// each row's 64-bit hash: no sort, so it costs a read of the table (an ordered md5 of the
    /// shared test database's rows took ~1 s a call late in the suite, and the suite calls it a hundred times).</summary>
    public async Task<string> ChecksumAsync()
    {
        string[] tables = ["county", "township", "village", "building", "household", "household_locator", "barrier",
            "(SELECT township_code, data_version FROM township_state) AS"];
        var parts = new List<string>();
        foreach (var t in tables)
        {
            await using var cmd = Db.CreateCommand($"SELECT count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) FROM {t} x");
            parts.Add($"{t}={await cmd.ExecuteScalarAsync()}");
        }
        return string.Join(";", parts);
    }
}

[CollectionDefinition("db")]
public sealed class DatabaseGroup : ICollectionFixture<DatabaseFixture>;

/// <summary>Starts the "db" collection first and the viewer's second: each runs its tests one after
/// another and they are most of the suite's time, so they take the two threads at once while the
/// other collections fill in after the viewer's. Started in xUnit's discovery order "db" waited 1.5
/// minutes for two other collections to free a thread.</summary>
public sealed class DatabaseCollectionFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName switch { "db" => 0, Features.ViewerDatabaseFixture.Collection => 1, _ => 2 });
}
