using System.Globalization;
using System.Text.RegularExpressions;
using GridSpatial.GeoApi.Features.NoticeMaps;
using GridSpatial.GeoApi.SampleData;
using SkiaSharp;

namespace GridSpatial.GeoApi.Tests.Features.NoticeMaps;

/// <summary>Labels of a dense notice map do not overlap (issue #17, item 7): read back by poppler
/// (<c>pdftotext -bbox</c>), every label's box is clear of every other; a part that found no room
/// is counted on the page, so labelled plus counted is every part.</summary>
[Collection("db")]
public sealed class NoticeMapLabelTests(DatabaseFixture db) : IAsyncLifetime
{
    private const string Code = "530627221";
    private readonly HttpClient _http = db.Client();

    public async Task InitializeAsync()
    {
        //-- Many households on little land: small micro-grids, labels that would collide.
        var township = new TownshipGenerator(221).Generate(Code, "密集镇", 106.10, 26.30, 3000, urbanShare: 0.8);
        await Samples.ImportAsync(_http, township, "villages", "buildings", "households", "barriers", "streets");
        await Samples.PartitionAsync(_http, db.Db, Code, force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DenseGrid_LabelsReadByPoppler_NeverOverlap_AndUnlabelledPartsAreCounted()
    {
        //-- The grid with the most micro-grids per area: the densest page.
        await using var cmd = db.Db.CreateCommand("""
            SELECT g.code, array_agg(m.code::text) FROM current_grid g JOIN current_micro_grid m ON m.township_code = g.township_code AND m.grid_code = g.code
            WHERE g.township_code = $1 GROUP BY g.code, g.geom ORDER BY count(*) / ST_Area(g.geom::geography) DESC, g.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(Code);
        string grid;
        string[] micro;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (grid, micro) = (r.GetString(0), r.GetFieldValue<string[]>(1));
        }
        var shortCodes = micro.Select(m => m[^3..]).ToHashSet(StringComparer.Ordinal);
        var response = await _http.GetAsync(new Uri($"/api/codes/{grid}/notice-map.pdf?paper=A4&orientation=portrait", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var words = await Poppler.WordsAsync(pdf);
        var text = string.Join(' ', words.Select(w => w.Text));

        //-- A word's line (ascent to descent, what the painter keeps apart): its baseline from poppler's box, calibrated on a page written here.
        var (code, count) = await CalibrateAsync();
        var labels = words.Where(w => shortCodes.Contains(w.Text) || Regex.IsMatch(w.Text, "^[0-9]+户$"))
            .Select(w =>
            {
                var f = shortCodes.Contains(w.Text) ? code : count;
                double baseline = w.Y0 + f.Above;
                return (w.Text, w.X0, Y0: baseline + f.Ascent, w.X1, Y1: baseline + f.Descent);
            }).ToList();
        for (int i = 0; i < labels.Count; i++)
            for (int j = i + 1; j < labels.Count; j++)
            {
                var (a, b) = (labels[i], labels[j]);
                bool overlap = a.X0 < b.X1 - 0.1 && b.X0 < a.X1 - 0.1 && a.Y0 < b.Y1 - 0.1 && b.Y0 < a.Y1 - 0.1;
                Assert.False(overlap, $"'{a.Text}' ({a.X0:F1},{a.Y0:F1}–{a.X1:F1},{a.Y1:F1}) overlaps '{b.Text}' ({b.X0:F1},{b.Y0:F1}–{b.X1:F1},{b.Y1:F1})");
            }
        var labelled = labels.Where(w => shortCodes.Contains(w.Text)).Select(w => w.Text).Distinct(StringComparer.Ordinal).Count();
        //-- The note is three words: 另有 N 处因过密未标注.
        int at = words.ToList().FindIndex(w => w.Text == "另有");
        int dropped = at >= 0 && at + 2 < words.Count && words[at + 2].Text.StartsWith("处因过密未标注", StringComparison.Ordinal)
            ? int.Parse(words[at + 1].Text, CultureInfo.InvariantCulture) : 0;
        Assert.True(micro.Length > 15, $"the densest grid has only {micro.Length} micro-grids");
        Assert.Equal(micro.Length, labelled + dropped);
    }

    /// <summary>Where poppler puts a word's box against its baseline, for the label fonts (a code in bold 8.5 pt,
    /// a count in 6.5 pt, as on A4): learnt from a PDF written here with a known baseline, with Skia's line metrics.</summary>
    private static async Task<((double Above, double Ascent, double Descent) Code, (double Above, double Ascent, double Descent) Count)> CalibrateAsync()
    {
        using var fonts = new NoticeMapFonts(Microsoft.Extensions.Logging.Abstractions.NullLogger<NoticeMapFonts>.Instance);
        using var code = fonts.Font(8.5f, bold: true);
        using var count = fonts.Font(6.5f);
        using var stream = new MemoryStream();
        using (var doc = SKDocument.CreatePdf(stream))
        {
            var canvas = doc.BeginPage(300, 300);
            using var ink = new SKPaint { Color = SKColors.Black };
            PageText.Draw(canvas, "001", 100, 100, SKTextAlign.Center, code, ink);
            PageText.Draw(canvas, "12户", 100, 200, SKTextAlign.Center, count, ink);
            doc.EndPage();
        }
        var words = await Poppler.WordsAsync(stream.ToArray());
        var c = words.Single(w => w.Text == "001");
        var n = words.Single(w => w.Text == "12户");
        return ((100 - c.Y0, code.Metrics.Ascent, code.Metrics.Descent), (200 - n.Y0, count.Metrics.Ascent, count.Metrics.Descent));
    }

    [Fact]
    public void LabelPlacer_TwentyLabelsOnOnePoint_PlacesNineWithoutOverlap_DropsAndCountsTheRest()
    {
        var map = new SKRect(0, 0, 400, 300);
        var placer = new LabelPlacer(map, 1.5f);
        var anchor = new SKPoint(200, 150);
        var boxes = new List<SKRect>();
        int leaders = 0;
        for (int i = 0; i < 20; i++)
        {
            var p = placer.Place(anchor, new SKSize(30, 18), new SKSize(20, 10));
            if (p is null) continue;
            var size = p.WithCount ? new SKSize(30, 18) : new SKSize(20, 10);
            var box = SKRect.Create(p.Centre.X - size.Width / 2, p.Centre.Y - size.Height / 2, size.Width, size.Height);
            Assert.DoesNotContain(boxes, b => b.IntersectsWith(box));
            Assert.True(map.Contains(box));
            boxes.Add(box);
            if (p.LeaderFrom is not null) leaders++;
        }
        //-- The full label at the point, then eight spots around it on leaders; the other eleven counted.
        Assert.Equal(9, boxes.Count);
        Assert.Equal(8, leaders);
        Assert.Equal(11, placer.Dropped);
    }
}
