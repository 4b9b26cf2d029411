using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace GridSpatial.Partitioner.Files;

/// <summary>A one-sheet Office Open XML workbook (ECMA-376) written row by row: text as inline
/// strings, numbers and booleans typed, no styles. //-- MiniExcel 1.x writes its parts with an
/// <c>x:</c> namespace prefix that GDAL's XLSX driver does not read (0 rows): this minimal writer is
/// read by Excel, LibreOffice, GDAL and MiniExcel alike.</summary>
public sealed class XlsxSheet : IAsyncDisposable
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string PackageRel = "http://schemas.openxmlformats.org/package/2006/relationships";

    private readonly ZipArchive _zip;
    private readonly StreamWriter _sheet;
    private int _row;

    private XlsxSheet(ZipArchive zip, StreamWriter sheet)
    {
        _zip = zip;
        _sheet = sheet;
    }

    /// <summary>Starts a workbook in <paramref name="output"/> (left open) with one sheet named <paramref name="name"/>.</summary>
    public static async Task<XlsxSheet> CreateAsync(Stream output, string name, CancellationToken ct)
    {
        var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await Part(zip, "[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
            "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
            "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
            "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>", ct);
        await Part(zip, "_rels/.rels", $"<Relationships xmlns=\"{PackageRel}\"><Relationship Id=\"rId1\" Type=\"{Rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>", ct);
        await Part(zip, "xl/workbook.xml", $"<workbook xmlns=\"{Main}\" xmlns:r=\"{Rel}\"><sheets><sheet name=\"{SecurityElement.Escape(name)}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", ct);
        await Part(zip, "xl/_rels/workbook.xml.rels", $"<Relationships xmlns=\"{PackageRel}\"><Relationship Id=\"rId1\" Type=\"{Rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>", ct);
        var sheet = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open(), new UTF8Encoding(false));
        await sheet.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{Main}\"><sheetData>");
        return new XlsxSheet(zip, sheet);
    }

    /// <summary>Appends a row: strings as text, booleans as TRUE/FALSE, other values as numbers, null as an empty cell.</summary>
    public async Task WriteRowAsync(IEnumerable<object?> cells)
    {
        var sb = new StringBuilder("<row r=\"").Append(++_row).Append("\">");
        foreach (var cell in cells)
            switch (cell)
            {
                case null: sb.Append("<c/>"); break;
                case string s: sb.Append("<c t=\"inlineStr\"><is><t>").Append(SecurityElement.Escape(s)).Append("</t></is></c>"); break;
                case bool b: sb.Append("<c t=\"b\"><v>").Append(b ? 1 : 0).Append("</v></c>"); break;
                default: sb.Append("<c><v>").Append(Convert.ToString(cell, CultureInfo.InvariantCulture)).Append("</v></c>"); break;
            }
        await _sheet.WriteAsync(sb.Append("</row>"));
    }

    public async ValueTask DisposeAsync()
    {
        await _sheet.WriteAsync("</sheetData></worksheet>");
        await _sheet.DisposeAsync();
        await _zip.DisposeAsync();
    }

    private static async Task Part(ZipArchive zip, string name, string xml, CancellationToken ct)
    {
        await using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        await w.WriteAsync(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + xml).AsMemory(), ct);
    }
}
