using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridSpatial.GeoApi.Infrastructure;
using Npgsql;

namespace GridSpatial.GeoApi.Features.Access;

/// <summary>API keys in the <c>api_key</c> table: created (the plaintext is returned once),
/// listed, revoked, and resolved from a presented key (or a viewer session id) by its SHA-256.
/// Resolutions are cached for a few seconds; a revoke or logout in this process takes effect at
/// once, in others within that time.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource db, IConfiguration config)
{
    /// <summary>A key; <see cref="People"/>: granted the <c>people</c> permission (names and phones) beyond its role.</summary>
    public sealed record Key(long Id, string Name, string Prefix, string Role, string Jurisdiction, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt, bool People);

    public sealed record Created(Key Key, string Secret);

    private readonly ConcurrentDictionary<string, (Key? Key, DateTime At)> _cache = new();
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(config.GetValue("Access:KeyCacheSeconds", 5));

    /// <summary>Names that actors other than keys write into the audit log and versions (the recompute
    /// scheduler, the nightly full recompute, anonymous callers): no key may take them.</summary>
    public static readonly IReadOnlySet<string> ReservedNames =
        new HashSet<string>(["scheduler", "schedule", "anonymous", "system", "hangfire", "worker", "cli", "?"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Refuses (400 naming the field) a key the table would refuse or that would mislead in
    /// the audit log: a name of 1–100 characters without control or format characters (no
    /// right-to-left overrides, zero-width characters) and not reserved; a known role; a
    /// jurisdiction that is a code prefix.</summary>
    public static void Validate(string name, string role, string jurisdiction)
    {
        if (name.Length is 0 or > 100 || name != name.Trim() || ReservedNames.Contains(name) || name.StartsWith("cli:", StringComparison.OrdinalIgnoreCase)
            || name.EnumerateRunes().Any(r => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator || r == Rune.ReplacementChar))
            throw new ApiException(400, "Invalid key",
                $"A key needs a name of 1–100 printable characters (no control or format characters such as direction overrides), not one of the reserved {string.Join(", ", ReservedNames)}.",
                new() { ["field"] = "name" });
        if (!Roles.All.Contains(role))
            throw new ApiException(400, "Invalid key", $"The role must be one of {string.Join(", ", Roles.All)}.", new() { ["field"] = "role" });
        if (jurisdiction.Length is not (0 or 2 or 4 or 6 or 9 or 12) || !jurisdiction.All(char.IsAsciiDigit))
            throw new ApiException(400, "Invalid key", $"A jurisdiction is a code prefix: '' (everywhere), 2, 4, 6 (county), 9 (township) or 12 digits, not '{jurisdiction}'.",
                new() { ["field"] = "jurisdiction" });
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string NewSecret() => "gs_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public Task<Key?> ResolveAsync(string secret, CancellationToken ct) =>
        secret.Length is < 16 or > 200 ? Task.FromResult<Key?>(null)
            : Cached(secret, $"{Select} WHERE hash = $1 AND revoked_at IS NULL", secret, ct);

    /// <summary>The key a query finds by a presented secret's SHA-256, cached under <paramref name="cacheKey"/>
    /// for <see cref="_ttl"/>: every request of a viewer or client presents the same secret.</summary>
    private async Task<Key?> Cached(string cacheKey, string sql, string secret, CancellationToken ct)
    {
        if (_cache.TryGetValue(cacheKey, out var hit) && DateTime.UtcNow - hit.At < _ttl) return hit.Key;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(Hash(secret));
        Key? key = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) key = Read(r);
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[cacheKey] = (key, DateTime.UtcNow);
        return key;
    }

    /// <summary>Creates a key after <see cref="Validate"/>; a name in use is a 409.</summary>
    public async Task<Created> CreateAsync(string name, string role, string jurisdiction, string createdBy, CancellationToken ct, string? secret = null, bool people = false)
    {
        Validate(name, role, jurisdiction);
        secret ??= NewSecret();
        await using var cmd = db.CreateCommand($"""
            WITH k AS (INSERT INTO api_key (name, prefix, hash, role, jurisdiction, created_by, people) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *),
                 a AS (INSERT INTO audit_log (actor, action, entity, entity_id, detail)
                       SELECT $6, 'create', 'api_key', k.id::text, jsonb_build_object('name', k.name, 'role', k.role, 'jurisdiction', k.jurisdiction, 'people', k.people) FROM k)
            SELECT id, name, prefix, role, jurisdiction, created_at, created_by, revoked_at, people FROM k
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(secret[..Math.Min(8, secret.Length)]);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(jurisdiction);
        cmd.Parameters.AddWithValue(createdBy);
        cmd.Parameters.AddWithValue(people);
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return new Created(Read(r), secret);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "api_key_name_key")
        {
            throw new ApiException(409, "Key name in use", $"There is already a key named '{name}'.", new() { ["field"] = "name" });
        }
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

    /// <summary>Opens a viewer session for a key: a new random id (returned, never stored) whose
    /// SHA-256 is kept until <paramref name="lifetime"/> has passed; expired sessions are dropped on the way.</summary>
    public async Task<string> OpenSessionAsync(Key key, TimeSpan lifetime, CancellationToken ct)
    {
        var id = NewSecret();
        await using var cmd = db.CreateCommand("""
            WITH gone AS (DELETE FROM viewer_session WHERE expires_at < now())
            INSERT INTO viewer_session (hash, key_id, expires_at) VALUES ($1, $2, now() + $3)
            """);
        cmd.Parameters.AddWithValue(Hash(id));
        cmd.Parameters.AddWithValue(key.Id);
        cmd.Parameters.AddWithValue(lifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>The key behind an open, unexpired session whose key is not revoked; null otherwise.</summary>
    public Task<Key?> ResolveSessionAsync(string id, CancellationToken ct) =>
        id.Length is < 16 or > 200 ? Task.FromResult<Key?>(null)
            : Cached(SessionCacheKey(id), $"{Select} WHERE revoked_at IS NULL AND id = (SELECT key_id FROM viewer_session WHERE hash = $1 AND expires_at > now())", id, ct);

    private static string SessionCacheKey(string id) => "session:" + id;

    /// <summary>Closes a session (logout): its id stops working at once in this process, in others within the cache's few seconds.</summary>
    public async Task CloseSessionAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM viewer_session WHERE hash = $1");
        cmd.Parameters.AddWithValue(Hash(id));
        await cmd.ExecuteNonQueryAsync(ct);
        _cache.TryRemove(SessionCacheKey(id), out _);
    }

    private const string Select = "SELECT id, name, prefix, role, jurisdiction, created_at, created_by, revoked_at, people FROM api_key";

    private static Key Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetDateTime(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetDateTime(7), r.GetBoolean(8));
}
