using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>API keys in the <c>api_key</c> table: created (the plaintext is returned once),
/// listed, revoked, and resolved from a presented key by its SHA-256. Resolutions are cached
/// for a few seconds; a revoke in this process takes effect at once, in others within that time.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource db, IConfiguration config)
{
    public sealed record Key(long Id, string Name, string Prefix, string Role, string Jurisdiction, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt);

    public sealed record Created(Key Key, string Secret);

    private readonly ConcurrentDictionary<string, (Key? Key, DateTime At)> _cache = new();
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(config.GetValue("Access:KeyCacheSeconds", 5));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string NewSecret() => "gs_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task<Key?> ResolveAsync(string secret, CancellationToken ct)
    {
        if (secret.Length is < 16 or > 200) return null;
        if (_cache.TryGetValue(secret, out var hit) && DateTime.UtcNow - hit.At < _ttl) return hit.Key;
        await using var cmd = db.CreateCommand($"{Select} WHERE hash = $1 AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue(Hash(secret));
        Key? key = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) key = Read(r);
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[secret] = (key, DateTime.UtcNow);
        return key;
    }

    public async Task<Created> CreateAsync(string name, string role, string jurisdiction, string createdBy, CancellationToken ct, string? secret = null)
    {
        secret ??= NewSecret();
        await using var cmd = db.CreateCommand($"""
            WITH k AS (INSERT INTO api_key (name, prefix, hash, role, jurisdiction, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *),
                 a AS (INSERT INTO audit_log (actor, action, entity, entity_id, detail)
                       SELECT $6, 'create', 'api_key', k.id::text, jsonb_build_object('name', k.name, 'role', k.role, 'jurisdiction', k.jurisdiction) FROM k)
            SELECT id, name, prefix, role, jurisdiction, created_at, created_by, revoked_at FROM k
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(secret[..Math.Min(8, secret.Length)]);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(jurisdiction);
        cmd.Parameters.AddWithValue(createdBy);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Created(Read(r), secret);
    }

    /// <summary>Makes sure a key exists as an administrator key for everywhere (the bootstrap key).</summary>
    public async Task EnsureBootstrapAdminAsync(string secret, CancellationToken ct, string name = "bootstrap-admin")
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO api_key (name, prefix, hash, role, jurisdiction, created_by) VALUES ($3, $1, $2, 'admin', '', 'GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY')
            ON CONFLICT (name) DO UPDATE SET prefix = EXCLUDED.prefix, hash = EXCLUDED.hash, role = 'admin', jurisdiction = '', revoked_at = NULL
            """);
        cmd.Parameters.AddWithValue(secret[..Math.Min(8, secret.Length)]);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(name);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<List<Key>> ListAsync(string jurisdiction, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE jurisdiction LIKE $1 || '%' ORDER BY id");
        cmd.Parameters.AddWithValue(jurisdiction);
        var list = new List<Key>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<Key?> GetAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<bool> RevokeAsync(long id, string by, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            WITH k AS (UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id, name),
                 a AS (INSERT INTO audit_log (actor, action, entity, entity_id, detail) SELECT $2, 'revoke', 'api_key', k.id::text, jsonb_build_object('name', k.name) FROM k)
            SELECT count(*) FROM k
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(by);
        var revoked = (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
        _cache.Clear();
        return revoked;
    }

    private const string Select = "SELECT id, name, prefix, role, jurisdiction, created_at, created_by, revoked_at FROM api_key";

    private static Key Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetDateTime(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetDateTime(7));
}
