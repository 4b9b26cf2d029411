using GridSpatial.GeoApi.Features.Access;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>The one home of "who answers for these units, as this caller may see them": each unit's
/// name and people from the township's snapshot (<see cref="UnitDirectory"/>), names and phones only
/// for keys with the <c>people</c> permission, and every read of them audited
/// (<see cref="PersonalDataAudit"/>). Lookups, a household's grid, a code, area queries and notice
/// maps all answer through it.</summary>
public sealed class ResponsiblePeople(UnitDirectory units, PersonalDataAudit audit)
{
    /// <summary>The grid's and micro-grid's people of an answer about partition version <paramref name="version"/>.</summary>
    public async ValueTask<Responsible> ForAsync(HttpContext http, string township, string? grid, string? microGrid, int? version, CancellationToken ct) =>
        (await AuditedAsync(http, township, grid, microGrid, version, ct)).Responsible(grid, microGrid, http.User.SeesPeople());

    /// <summary>The same as <see cref="ForAsync"/>, as the <c>responsible</c> JSON bytes the snapshot keeps
    /// serialized (<see cref="UnitDirectory.ResponsibleJson"/>): a lookup's answer is written from cached bytes.</summary>
    public async ValueTask<byte[]> JsonForAsync(HttpContext http, string township, string? grid, string? microGrid, int? version, CancellationToken ct) =>
        units.ResponsibleJson(await AuditedAsync(http, township, grid, microGrid, version, ct), grid, microGrid, http.User.SeesPeople());

    /// <summary>The township's snapshot for an answer about version <paramref name="version"/>, the read of the units' people audited.</summary>
    private async ValueTask<TownshipUnits> AuditedAsync(HttpContext http, string township, string? grid, string? microGrid, int? version, CancellationToken ct)
    {
        var t = await units.ForAsync(township, ct, version);
        audit.Record(http.User, township, http.Request, t.PersonIds(grid, microGrid));
        return t;
    }

    /// <summary>A grid's or micro-grid's attributes and people, current or retired (following the code history).</summary>
    public async ValueTask<(UnitAttributes Attributes, ResponsibleUnit People)> ForCodeAsync(HttpContext http, string code, CancellationToken ct)
    {
        var t = await units.ForUnitAsync(code, ct);
        audit.Record(http.User, code[..9], http.Request, t.PersonIds(code));
        return (await units.AttributesAsync(t, code, ct), t.Responsible(code, null, http.User.SeesPeople()).Grid!);
    }

    /// <summary>Many units of one township at once (an area query, a notice map): by code.</summary>
    public async ValueTask<IReadOnlyDictionary<string, ResponsibleUnit>> ForUnitsAsync(HttpContext http, string township, IReadOnlyCollection<string> codes,
        int? version, CancellationToken ct)
    {
        var t = await units.ForAsync(township, ct, version);
        bool personal = http.User.SeesPeople();
        audit.Record(http.User, township, http.Request, t.PersonIds([.. codes]));
        return codes.Distinct(StringComparer.Ordinal).ToDictionary(c => c, c => t.Responsible(c, null, personal).Grid!, StringComparer.Ordinal);
    }
}
