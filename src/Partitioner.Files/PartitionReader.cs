using System.Globalization;
using System.Text.Json;
using GridSpatial.Partitioner.Codes;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.MicroGrids;
using GridSpatial.Partitioner.Quality;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Files;

/// <summary>Reads back an output folder that <see cref="PartitionWriter"/> wrote (micro_grids.geojson,
/// grids.geojson, assignments.csv, codes.json, report.json): the partition a <c>--previous</c> run
/// starts from. Floor runs of one building share one territory object again, as the partitioner made them.</summary>
public static class PartitionReader
{
    public static Partition Read(string dir)
    {
        var territories = new Dictionary<Geometry, Geometry>();
        Geometry Shared(Geometry g) => territories.TryGetValue(g, out var known) ? known : territories[g] = g;

        var mgPath = Path.Combine(dir, "micro_grids.geojson");
        var microGrids = new List<MicroGrid>();
        var fc = GeoJsonInputReader.ReadCollection(mgPath, "previous");
        for (int i = 0; i < fc.Count; i++)
        {
            var f = fc[i];
            var code = GeoJsonInputReader.String(f, "code") ?? throw new InputException("previous", i, null, "code", $"{mgPath}: micro-grid #{i} has no code.");
            var kind = Enum.TryParse<MicroGridKind>(GeoJsonInputReader.String(f, "kind") ?? "cluster", ignoreCase: true, out var k) ? k : MicroGridKind.Cluster;
            microGrids.Add(new MicroGrid(code, GeoJsonInputReader.String(f, "grid_code") ?? code[..^3], GeoJsonInputReader.String(f, "village_code") ?? "",
                kind, Int(f, "household_count") ?? 0, GeoJsonInputReader.String(f, "building_id"), Int(f, "floor_from"), Int(f, "floor_to"),
                Shared(f.Geometry), GeoJsonInputReader.Bool(f, "pinned"))
            { Unit = GeoJsonInputReader.String(f, "unit") });
        }

        var grids = new List<Grid>();
        var gridPath = Path.Combine(dir, "grids.geojson");
        if (File.Exists(gridPath))
            foreach (var f in GeoJsonInputReader.ReadCollection(gridPath, "previous"))
                grids.Add(new Grid(GeoJsonInputReader.String(f, "code") ?? "", GeoJsonInputReader.String(f, "village_code") ?? "",
                    Int(f, "household_count") ?? 0, f.Geometry, GeoJsonInputReader.Bool(f, "pinned")));

        var assignments = new List<Assignment>();
        using (var reader = new StreamReader(Path.Combine(dir, "assignments.csv")))
        {
            var header = reader.ReadLine();
            if (header is null || !header.StartsWith("household_id,micro_grid_code", StringComparison.Ordinal))
                throw new InputException("previous", null, null, "assignments.csv", "assignments.csv must start with the header household_id,micro_grid_code,grid_code.");
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                var cols = Csv.Split(line);
                if (cols.Count >= 2) assignments.Add(new Assignment(cols[0], cols[1], cols.Count >= 3 ? cols[2] : cols[1][..^3]));
            }
        }

        int version = 1;
        string township = microGrids.Count > 0 ? microGrids[0].Code[..9] : "";
        IReadOnlyList<CodeRecord> history = [];
        string? digest = null;
        var codesPath = Path.Combine(dir, "codes.json");
        if (File.Exists(codesPath))
        {
            using var stream = File.OpenRead(codesPath);
            var file = JsonSerializer.Deserialize<CodesFile>(stream, PartitionJson.Options);
            if (file is not null) (version, township, history, digest) = (file.Version, file.TownshipCode, file.Codes, file.InputsDigest);
        }
        var reportPath = Path.Combine(dir, "report.json");
        if (!File.Exists(reportPath))
            throw new InputException("previous", null, null, "report.json", $"{dir} has no report.json: give the folder a partition was written to.");
        QualityReport? report;
        using (var stream = File.OpenRead(reportPath))
            report = JsonSerializer.Deserialize<QualityReport>(stream, PartitionJson.Options);
        return new Partition(township, "", version, [], grids, microGrids, assignments, history, report!) { InputsDigest = digest };
    }

    /// <summary>The folder as the base for stable codes (what a whole recompute needs of it).</summary>
    public static PreviousPartition ReadPrevious(string dir) => PreviousPartition.Of(Read(dir));

    private static int? Int(NetTopologySuite.Features.IFeature f, string name) =>
        GeoJsonInputReader.String(f, name) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
