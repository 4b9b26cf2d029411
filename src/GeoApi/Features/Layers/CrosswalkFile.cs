using System.Globalization;
using System.Text;
using GridSpatial.Partitioner.Files;

namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>A crosswalk as a table for spreadsheets, one row per pair with the columns of
/// <see cref="Header"/> (areas in m², shares from 0 to 1): CSV (UTF-8 with a BOM, so Excel opens
/// Chinese names correctly; RFC 4180 fields by <see cref="Csv"/>) or a one-sheet XLSX
/// (<see cref="XlsxSheet"/>), the writers the exports use.</summary>
public static class CrosswalkFile
{
    public static readonly IReadOnlyList<string> Header =
        ["level", "unit_code", "unit_name", "code", "overlap_m2", "unit_area_share", "households", "unit_household_share", "area_share", "household_share"];

    private static object?[] Cells(CrosswalkPair p) =>
        [p.Level, p.Unit, p.UnitName, p.Code, p.OverlapArea, p.UnitAreaShare, p.Households, p.UnitHouseholdShare, p.AreaShare, p.HouseholdShare];

    public static async Task WriteCsvAsync(Crosswalk crosswalk, Stream output, CancellationToken ct)
    {
        await using var w = new StreamWriter(output, new UTF8Encoding(true), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        await w.WriteLineAsync(string.Join(',', Header));
        foreach (var pair in crosswalk.Pairs)
        {
            ct.ThrowIfCancellationRequested();
            await w.WriteLineAsync(string.Join(',', Cells(pair).Select(v => v switch
            {
                null => "",
                string s => Csv.Field(s),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                var o => Convert.ToString(o, CultureInfo.InvariantCulture),
            })));
        }
    }

    public static async Task WriteXlsxAsync(Crosswalk crosswalk, Stream output, CancellationToken ct)
    {
        //-- A zip's central directory is written last: built in memory (a crosswalk is one township's), then sent.
        using var buffer = new MemoryStream();
        await using (var sheet = await XlsxSheet.CreateAsync(buffer, $"{crosswalk.Layer} crosswalk", ct))
        {
            await sheet.WriteRowAsync(Header);
            foreach (var pair in crosswalk.Pairs) await sheet.WriteRowAsync(Cells(pair));
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(output, ct);
    }
}
