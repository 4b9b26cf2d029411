using System.Globalization;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>keys create --name N --role R [--jurisdiction P] | keys list | keys revoke ID</c>:
/// API keys managed straight in the database (for the operator; administrators can do the same
/// through <c>/api/keys</c>). A created key is printed once.</summary>
public static class KeysCommand
{
    public const string Usage = "keys create --name N --role viewer|integrator|editor|admin [--jurisdiction PREFIX] | keys list | keys revoke ID";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) throw new UsageException(Usage);
        var cs = Database.ConnectionString(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var store = new ApiKeyStore(db, new ConfigurationBuilder().Build());
        var cl = new CommandLine(args[1..], new HashSet<string>());
        switch (args[0])
        {
            case "create":
                var name = cl.Get("name") ?? throw new UsageException("keys create needs --name.");
                var role = cl.Get("role") ?? throw new UsageException("keys create needs --role.");
                if (!Roles.All.Contains(role)) throw new UsageException($"--role must be one of {string.Join(", ", Roles.All)}.");
                var jurisdiction = cl.Get("jurisdiction") ?? "";
                var created = await store.CreateAsync(name, role, jurisdiction, $"cli:{Environment.UserName}", CancellationToken.None);
                Console.WriteLine($"created key {created.Key.Id} '{name}' ({role}, jurisdiction '{jurisdiction}'):");
                Console.WriteLine(created.Secret);
                return 0;
            case "list":
                foreach (var k in await store.ListAsync("", CancellationToken.None))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{k.Id,5}  {k.Name,-24} {k.Role,-10} {(k.Jurisdiction.Length == 0 ? "*" : k.Jurisdiction),-12} {k.Prefix}…  {(k.RevokedAt is null ? "active" : "revoked " + k.RevokedAt.Value.ToString("u"))}"));
                return 0;
            case "revoke":
                if (args.Length < 2 || !long.TryParse(args[1], out var id)) throw new UsageException("keys revoke needs the key's id.");
                Console.WriteLine(await store.RevokeAsync(id, $"cli:{Environment.UserName}", CancellationToken.None) ? $"revoked key {id}" : $"no active key {id}");
                return 0;
            default:
                throw new UsageException(Usage);
        }
    }

    /// <summary>For the benchmarks: the in-process service starts with a fresh administrator key, returned here.</summary>
    public static string BootstrapForBench()
    {
        var key = ApiKeyStore.NewSecret();
        Environment.SetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY", key);
        Environment.SetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_NAME", "bench-admin");
        return key;
    }
}
