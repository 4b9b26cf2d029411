using System.CommandLine;
using System.Globalization;
using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>keys create | list | revoke</c>: API keys managed straight in the database (for the operator; administrators can do the same
/// through <c>/api/keys</c>). A created key is printed once.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "who or what holds the key", HelpName = "N", Required = true };
        var role = new Option<string>("--role") { Description = "what the key may do", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "a division code prefix the key is confined to (default: everywhere)", HelpName = "PREFIX", DefaultValueFactory = _ => "" };
        var people = new Option<bool>("--people") { Description = "may also see people's names and phones (personal information)" };
        var create = new Command("create", "a new key, printed once") { name, role, jurisdiction, people };
        create.SetAction(p => WithStoreAsync(store => CreateAsync(store, p.GetRequiredValue(name), p.GetRequiredValue(role), p.GetRequiredValue(jurisdiction), p.GetValue(people))));
        var list = new Command("list", "every key, active and revoked");
        list.SetAction(_ => WithStoreAsync(ListAsync));
        var id = new Argument<long>("ID") { Description = "the key's id (keys list)" };
        var revoke = new Command("revoke", "revokes a key") { id };
        revoke.SetAction(p => WithStoreAsync(store => RevokeAsync(store, p.GetValue(id))));
        return new Command("keys", "API keys, straight in the database (the operator's tool; admins use /api/keys)") { create, list, revoke };
    }

    /// <summary>Runs one key operation on the migrated database.</summary>
    private static async Task<int> WithStoreAsync(Func<ApiKeyStore, Task> operation)
    {
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        await operation(new ApiKeyStore(db, new ConfigurationBuilder().Build()));
        return 0;
    }

    private static async Task CreateAsync(ApiKeyStore store, string name, string role, string jurisdiction, bool people)
    {
        var created = await store.CreateAsync(name, role, jurisdiction, $"cli:{Environment.UserName}", CancellationToken.None, people: people);
        Console.WriteLine($"created key {created.Key.Id} '{name}' ({role}{(people ? " + people" : "")}, jurisdiction '{jurisdiction}'):");
        Console.WriteLine(created.Secret);
    }

    private static async Task ListAsync(ApiKeyStore store)
    {
        foreach (var k in await store.ListAsync("", CancellationToken.None))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{k.Id,5}  {k.Name,-24} {k.Role + (k.People ? "+people" : ""),-17} {(k.Jurisdiction.Length == 0 ? "*" : k.Jurisdiction),-12} {k.Prefix}…  {(k.RevokedAt is null ? "active" : "revoked " + k.RevokedAt.Value.ToString("u"))}"));
    }

    private static async Task RevokeAsync(ApiKeyStore store, long id) =>
        Console.WriteLine(await store.RevokeAsync(id, $"cli:{Environment.UserName}", CancellationToken.None) ? $"revoked key {id}" : $"no active key {id}");

    /// <summary>For the benchmarks: the in-process service starts with a fresh administrator key, returned here.</summary>
    public static string BootstrapForBench()
    {
        var key = ApiKeyStore.NewSecret();
        Environment.SetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY", key);
        Environment.SetEnvironmentVariable("GRIDSPATIAL_BOOTSTRAP_ADMIN_NAME", "bench-admin");
        return key;
    }
}
