using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MiniExcelLibs;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Plain tables (no geometry) as rows of text, the header first: CSV read by
/// <see cref="CsvRecords"/> (UTF-8, else GBK, told from the first MiB as for point tables) or the
/// first sheet of an XLSX workbook (MiniExcel). Dates in XLSX cells come back as yyyy-MM-dd.</summary>
public static class TableRows
{
    public static async IAsyncEnumerable<IReadOnlyList<string>> CsvAsync(Stream stream, string? encoding, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = new byte[TableSource.SniffBytes];
        int n = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct);
        var head = prefix.AsSpan(0, n);
        //-- UTF-8 is decoded strictly, so GBK further on is refused, not stored as U+FFFD.
        Encoding text = encoding is not null ? TextEncodings.Resolve(encoding)
            : head.StartsWith("\uFEFF"u8) || TextEncodings.IsUtf8(head) ? TextEncodings.StrictUtf8 : TextEncodings.Gbk;
        using var reader = new StreamReader(new ReplayStream(prefix, n, stream), text, detectEncodingFromByteOrderMarks: true);
        bool first = true;
        await foreach (var record in CsvRecords.ReadAsync(reader, ct))
        {
            if (first) record[0] = record[0].TrimStart('\uFEFF');
            first = false;
            yield return record;
        }
    }

    /// <summary>The first sheet of a workbook (a seekable stream), every row as text, empty rows skipped.</summary>
    public static IEnumerable<IReadOnlyList<string>> Xlsx(Stream workbook)
    {
        foreach (IDictionary<string, object?> row in MiniExcel.Query(workbook, useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            var cells = row.Values.Select(Text).ToList();
            if (cells.All(c => c.Length == 0)) continue;
            yield return cells;
        }
    }

    private static string Text(object? v) => v switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    } is var s ? s.Trim() : "";
}
