using GridSpatial.GeoApi.Features.Access;
using GridSpatial.GeoApi.Infrastructure;
using GridSpatial.Partitioner.Codes;
using Npgsql;

namespace GridSpatial.GeoApi.Features.NoticeMaps;

/// <summary>Printable notice maps (网格公示图) for village notice boards: a grid's or a village's
/// page as PDF or PNG, and a township's grids as one PDF, one page per grid in code order.
/// Reading them needs the <c>read</c> permission and the code in the caller's jurisdiction, like
/// every partition read. Configuration: <c>Viewer:PublicUrl</c>, the viewer's public address the
/// QR code links to (else the request's own scheme and host).</summary>
public static class NoticeMapEndpoints
{
    public static IServiceCollection AddNoticeMaps(this IServiceCollection services)
    {
        services.AddSingleton<NoticeMapFonts>();
        services.AddSingleton<CoverageBands>();
        services.AddSingleton<NoticeMapRenderer>();
        services.AddSingleton(sp => new NoticeMapReader(sp.GetRequiredKeyedService<NpgsqlDataSource>(Database.Read),
            sp.GetRequiredService<CoverageBands>()));
        return services;
    }

    public static IEndpointRouteBuilder MapNoticeMapEndpoints(this IEndpointRouteBuilder app)
    {
        //-- Resolved now, so a missing CJK font is logged when the service starts, not at the first print.
        app.ServiceProvider.GetRequiredService<NoticeMapFonts>();
        const string Options = "?paper=A4|A3 (default A4), ?orientation=portrait|landscape (default: from the unit's extent), ?version=N (default current).";
        app.MapGet("/api/codes/{code}/notice-map.pdf", UnitPdf).WithTags("Notice maps").Require(Roles.Read)
            .Produces<byte[]>(200, "application/pdf").ProducesProblem(400).ProducesProblem(404)
            .WithSummary("网格公示图: a grid (15 digits) or village (12 digits) on one printable page — coverage, labels, streets, barriers, legend, scale bar, north arrow, QR code to the viewer. " + Options);
        app.MapGet("/api/codes/{code}/notice-map.png", UnitPng).WithTags("Notice maps").Require(Roles.Read)
            .Produces<byte[]>(200, "image/png").ProducesProblem(400).ProducesProblem(404)
            .WithSummary($"The same page as a PNG at {NoticeMapPng.Dpi} dpi. " + Options);
        app.MapGet("/api/townships/{code}/notice-maps.pdf", TownshipPdf).WithTags("Notice maps").Require(Roles.Read)
            .Produces<byte[]>(200, "application/pdf").ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Every grid of the township (or of ?village=CODE) as one PDF, one page per grid in code order. " + Options);
        return app;
    }

    private static async Task UnitPdf(string code, string? paper, string? orientation, string? version, HttpContext http,
        NoticeMapReader reader, INoticeMapPeople people, NoticeMapRenderer renderer, NoticeMapFonts fonts, IConfiguration config, TimeProvider clock, CancellationToken ct)
    {
        var (page, sheet) = await PageAsync(code, paper, orientation, version, http, reader, people, fonts, config, ct);
        await using var pdf = new NoticeMapPdf(renderer, $"{page.Title} {page.Code}", clock.GetUtcNow());
        pdf.Add(page, sheet);
        Headers(http, "application/pdf", $"notice-map-{code}-v{page.Version}.pdf");
        await pdf.CopyToAsync(http.Response.Body, ct);
    }

    private static async Task UnitPng(string code, string? paper, string? orientation, string? version, HttpContext http,
        NoticeMapReader reader, INoticeMapPeople people, NoticeMapRenderer renderer, NoticeMapFonts fonts, IConfiguration config, CancellationToken ct)
    {
        var (page, sheet) = await PageAsync(code, paper, orientation, version, http, reader, people, fonts, config, ct);
        var png = NoticeMapPng.Encode(renderer, page, sheet);
        Headers(http, "image/png", $"notice-map-{code}-v{page.Version}.png");
        await http.Response.Body.WriteAsync(png, ct);
    }

    private static async Task TownshipPdf(string code, string? paper, string? orientation, string? version, string? village, HttpContext http,
        NoticeMapReader reader, INoticeMapPeople people, NoticeMapRenderer renderer, NoticeMapFonts fonts, IConfiguration config, TimeProvider clock, CancellationToken ct)
    {
        if (!DivisionCode.TryParse(code, out var township, DivisionLevel.Township))
            throw Refuse("code", $"需要乡镇代码（9 位数字），而不是 '{Short(code)}'。Expected a township code (9 digits), not '{Short(code)}'.");
        if (village is not null && (!DivisionCode.TryParse(village, out var v, DivisionLevel.Village) || !v.IsWithin(township)))
            throw Refuse("village", $"village 须是乡镇 {code} 下的村代码（12 位数字），而不是 '{Short(village)}'。village must be a 12-digit village code in township {code}, not '{Short(village)}'.");
        var (paperName, landscape) = NoticeMapPaper.Parse(paper, orientation, Refuse);
        var asked = ParseVersion(version);
        fonts.Require();
        var place = await reader.TownshipAsync(code, asked, ct);
        var grids = await reader.GridCodesAsync(place, village, ct);
        if (grids.Count == 0)
            throw new ApiException(404, "没有网格 (No grids)", village is null
                ? $"乡镇 {code} 的版本 {place.Version} 没有网格。Version {place.Version} of township {code} has no grids."
                : $"村 {village} 在版本 {place.Version} 中没有网格。Village {village} has no grids in version {place.Version}.",
                new() { ["field"] = village is null ? "code" : "village" });
        await using var pdf = new NoticeMapPdf(renderer, $"{place.Name} 网格公示图", clock.GetUtcNow());
        foreach (var grid in grids)
        {
            var page = await reader.GridAsync(place, grid, ViewerUrl(http, config, code, grid), ct);
            page = page with { People = await people.ForAsync(http, grid, page.Version, ct) };
            pdf.Add(page, Sheet(paperName, landscape, page));
        }
        Headers(http, "application/pdf", $"notice-maps-{village ?? code}-v{place.Version}.pdf");
        await pdf.CopyToAsync(http.Response.Body, ct);
    }

    private static async Task<(NoticeMapPage Page, NoticeMapPaper Sheet)> PageAsync(string code, string? paper, string? orientation, string? version,
        HttpContext http, NoticeMapReader reader, INoticeMapPeople people, NoticeMapFonts fonts, IConfiguration config, CancellationToken ct)
    {
        if (!DivisionCode.TryParse(code, out var unit, DivisionLevel.Grid, DivisionLevel.Village))
            throw Refuse("code", DivisionCode.TryParse(code, out var other)
                ? $"公示图只适用于网格（15 位）或村（12 位）代码，{code} 是{LevelName(other.Level)}代码。A notice map is for a grid (15 digits) or village (12 digits) code; {code} is a {other.Level.ToString().ToLowerInvariant()} code."
                : $"'{Short(code)}' 不是网格（15 位）或村（12 位）代码。'{Short(code)}' is not a grid (15-digit) or village (12-digit) code.");
        var (paperName, landscape) = NoticeMapPaper.Parse(paper, orientation, Refuse);
        var asked = ParseVersion(version);
        fonts.Require();
        var place = await reader.TownshipAsync(unit.Township!.Value, asked, ct);
        var url = ViewerUrl(http, config, place.Code, code);
        var page = unit.Level == DivisionLevel.Grid ? await reader.GridAsync(place, code, url, ct) : await reader.VillageAsync(place, code, url, ct);
        page = page with { People = await people.ForAsync(http, code, page.Version, ct) };
        return (page, Sheet(paperName, landscape, page));
    }

    private static NoticeMapPaper Sheet(string paper, bool? landscape, NoticeMapPage page) =>
        NoticeMapPaper.For(paper, landscape, page.Outline.EnvelopeInternal.Width, page.Outline.EnvelopeInternal.Height);

    /// <summary>The viewer on the unit: <c>Viewer:PublicUrl</c> (else this request's scheme, host and
    /// path base) + <c>/?township=…&amp;code=…</c>, the viewer's own query parameters.</summary>
    private static string ViewerUrl(HttpContext http, IConfiguration config, string township, string code)
    {
        var configured = config["Viewer:PublicUrl"];
        var root = string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}" : configured.Trim().TrimEnd('/');
        return $"{root}/?township={township}&code={code}";
    }

    private static int? ParseVersion(string? version)
    {
        if (version is null) return null;
        if (int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= 1) return v;
        throw Refuse("version", $"version 须是正整数，而不是 '{Short(version)}'。version must be a positive whole number, not '{Short(version)}'.");
    }

    private static void Headers(HttpContext http, string type, string file)
    {
        http.Response.ContentType = type;
        http.Response.Headers.ContentDisposition = $"inline; filename=\"{file}\"";
    }

    private static string LevelName(DivisionLevel level) => level switch
    {
        DivisionLevel.County => "县级",
        DivisionLevel.Township => "乡镇",
        DivisionLevel.Village => "村",
        DivisionLevel.Grid => "网格",
        _ => "微网格",
    };

    private static Exception Refuse(string field, string message) =>
        new ApiException(400, "参数无效 (Invalid parameter)", message, new() { ["field"] = field });

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
