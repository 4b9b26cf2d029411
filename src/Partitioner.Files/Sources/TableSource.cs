using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using GridSpatial.Partitioner.Inputs;
using MiniExcelLibs;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Tables of points (CSV, XLSX): one feature per row, its point from the columns that
/// map to lon/lat (经度/纬度), else x/y (X/Y, 东坐标/北坐标), in the import's CRS; the other
/// columns become properties through the <see cref="ColumnMap"/>. Read row by row.</summary>
internal static class TableSource
{
    private static readonly GeometryFactory Factory = new();

    /// <summary>Bytes looked at to tell UTF-8 from GBK when a CSV has no byte order mark and no encoding is given.</summary>
    public const int SniffBytes = 1 << 20;

    public static async IAsyncEnumerable<JsonElement> CsvAsync(Stream stream, string? encoding, ColumnMap map, string layer, [EnumeratorCancellation] CancellationToken ct)
    {
        Layout? layout = null;
        int index = 0;
        await foreach (var record in TableRows.CsvAsync(stream, encoding, ct))
        {
            if (layout is null)
            {
                layout = new Layout([.. record], map, layer);
                continue;
            }
            yield return layout.Feature(record.Select((v, i) => (object?)v), index++);
        }
    }

    public static IEnumerable<JsonElement> Xlsx(string path, string? sheet, ColumnMap map, string layer)
    {
        if (sheet is not null && !MiniExcel.GetSheetNames(path).Contains(sheet))
            throw new InputException(layer, null, null, "sourceLayer", $"工作簿没有工作表 '{sheet}'（有：{string.Join("、", MiniExcel.GetSheetNames(path))}）。The workbook has no sheet '{sheet}' (it has {string.Join(", ", MiniExcel.GetSheetNames(path))}).");
        Layout? layout = null;
        int index = 0;
        foreach (IDictionary<string, object?> row in MiniExcel.Query(path, useHeaderRow: true, sheetName: sheet, excelType: ExcelType.XLSX))
        {
            layout ??= new Layout(row.Keys.ToList(), map, layer);
            if (row.Values.All(v => v is null || v is string { Length: 0 })) continue;
            yield return layout.Feature(row.Values, index++);
        }
    }

    /// <summary>Which columns hold the point, decided once from the header.</summary>
    private sealed class Layout
    {
        private readonly List<string> _header;
        private readonly ColumnMap _map;
        private readonly string _layer;
        private readonly int _x, _y;
        private readonly string _xField, _yField;

        public Layout(List<string> header, ColumnMap map, string layer)
        {
            _header = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
            _map = map;
            _layer = layer;
            var fields = _header.Select(map.FieldOf).ToList();
            //-- Lon/lat when either is there (or neither pair is): the missing one is named.
            (_xField, _yField) = !fields.Contains("lon") && !fields.Contains("lat") && (fields.Contains("x") || fields.Contains("y")) ? ("x", "y") : ("lon", "lat");
            _x = fields.IndexOf(_xField);
            _y = fields.IndexOf(_yField);
            if (_x < 0 || _y < 0)
                throw new InputException(layer, null, null, _x < 0 ? _xField : _yField,
                    $"表格需要 经度/纬度（lon/lat）或 X/Y 列（表头：{string.Join("、", _header)}）；其他列名可用 map=列名=lon 指明。" +
                    $"A table needs lon/lat (经度/纬度) or x/y columns (header: {string.Join(", ", _header)}); name others with map=column=lon.");
        }

        public JsonElement Feature(IEnumerable<object?> values, int index)
        {
            var cells = values.ToList();
            double x = Number(cells, _x, _xField, index), y = Number(cells, _y, _yField, index);
            var attributes = new List<KeyValuePair<string, object?>>();
            for (int i = 0; i < _header.Count && i < cells.Count; i++)
                if (i != _x && i != _y) attributes.Add(new(_header[i], cells[i]));
            return FeatureJson.Create(Factory.CreatePoint(new Coordinate(x, y)), attributes, _map);
        }

        private double Number(List<object?> cells, int column, string field, int index)
        {
            object? v = column < cells.Count ? cells[column] : null;
            if (v is double d) return d;
            if (v is not null and not string && v is IConvertible) return Convert.ToDouble(v, CultureInfo.InvariantCulture);
            if (v is string s && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
            throw new InputException(_layer, index, null, field,
                $"{InputRules.Feature(index, null)}（第 {index + 2} 行 row）：'{_header[column]}' 应为数字，不是 '{InputRules.Shorten(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "")}'。" +
                $"'{_header[column]}' ({field}) must be a number.");
        }
    }
}
