using System.Globalization;
using System.Text;
using GridSpatial.GeoApi.Features.People;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Features.Areas;

/// <summary>An area answer as a table (CSV with a BOM, or XLSX, Chinese headers), sorted by grid,
/// micro-grid, building, floor: for keys with the <c>people</c> permission one row per household
/// inside (an evacuation list) with the micro-grid's responsible people by name and phone; for other
/// keys one row per micro-grid touched with its households inside and the people's roles only.</summary>
public static class EvacuationList
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly string[] HouseholdHeader = ["网格编码", "网格名称", "微网格编码", "微网格名称", "楼栋", "楼层", "单元", "房号", "户编号", "负责人"];
    public static readonly string[] UnitHeader = ["网格编码", "网格名称", "微网格编码", "微网格名称", "区域内户数", "面积占比", "负责人"];

    public static IReadOnlyList<string[]> Rows(AreaAnswer answer)
    {
        var grids = answer.Grids.ToDictionary(g => g.Code, StringComparer.Ordinal);
        var micros = answer.MicroGrids.ToDictionary(m => m.Code, StringComparer.Ordinal);
        string GridName(string? code) => code is not null && grids.TryGetValue(code, out var g) ? g.Name : "";
        if (answer.Households is { } households)
            return [HouseholdHeader, .. households
                .OrderBy(h => h.Grid, StringComparer.Ordinal).ThenBy(h => h.MicroGrid, StringComparer.Ordinal)
                .ThenBy(h => h.Building, StringComparer.Ordinal).ThenBy(h => h.Floor).ThenBy(h => h.Unit, StringComparer.Ordinal)
                .ThenBy(h => h.Room, StringComparer.Ordinal).ThenBy(h => h.Id, StringComparer.Ordinal)
                .Select(h =>
                {
                    var m = h.MicroGrid is not null ? micros.GetValueOrDefault(h.MicroGrid) : null;
                    return new[] { h.Grid ?? "", GridName(h.Grid), h.MicroGrid ?? "", m?.Name ?? "", h.Building ?? "",
                        h.Floor?.ToString(CultureInfo.InvariantCulture) ?? "", h.Unit ?? "", h.Room ?? "", h.Id, People(m?.Responsible) };
                })];
        return [UnitHeader, .. answer.MicroGrids.OrderBy(m => m.Code, StringComparer.Ordinal).Select(m => new[]
        {
            m.Code[..15], GridName(m.Code[..15]), m.Code, m.Name, m.HouseholdsInside.ToString(CultureInfo.InvariantCulture),
            m.AreaShare.ToString("0.###", CultureInfo.InvariantCulture), People(m.Responsible),
        })];
    }

    /// <summary>"专职网格员 张三 13800000000；网格长 李四" — names and phones only when the answer carries them.</summary>
    private static string People(ResponsibleUnit? unit) => unit is null ? "" :
        string.Join("；", unit.People.Select(p => string.Join(' ', new[] { p.RoleLabel, p.Name, p.Phone }.Where(s => !string.IsNullOrEmpty(s)))));

    public static async Task WriteAsync(HttpResponse response, AreaAnswer answer, string format, CancellationToken ct)
    {
        var rows = Rows(answer);
        response.Headers.ContentDisposition = $"attachment; filename=\"area.{format}\"";
        if (format == "xlsx")
        {
            response.ContentType = XlsxType;
            //-- The zip is written in memory: ZipArchive needs synchronous writes to a seekable stream.
            using var buffer = new MemoryStream();
            await using (var sheet = await XlsxSheet.CreateAsync(buffer, "区域名单", ct))
                foreach (var row in rows) await sheet.WriteRowAsync(row);
            buffer.Position = 0;
            await buffer.CopyToAsync(response.Body, ct);
            return;
        }
        response.ContentType = "text/csv; charset=utf-8";
        var csv = new StringBuilder("\uFEFF");
        foreach (var row in rows) csv.AppendJoin(',', row.Select(Csv.Field)).Append("\r\n");
        await response.WriteAsync(csv.ToString(), ct);
    }
}
