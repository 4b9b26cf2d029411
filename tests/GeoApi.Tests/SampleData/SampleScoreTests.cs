using System.Text.Json;

namespace GridSpatial.GeoApi.Tests.SampleData;

/// <summary>The sample township (data/sample, the first map every user sees) partitioned by the
/// command line passes every check of the independent scorer (<c>../shared/tools/score_partition.py
/// --check</c>, issue #22): coverage without gap or overlap, contiguous territories, households in
/// their own territory, grids nesting, cluster sizes.</summary>
public class SampleScoreTests
{
    private static string Scorer => Path.Combine(Samples.Root(), "..", "shared", "tools", "score_partition.py");

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var r = await ExternalTool.RunAsync(file, args);
        return (r.ExitCode, r.Output + r.Error);
    }

    [SkippableFact]
    public async Task Sample_PartitionedByTheCli_PassesEveryCheckOfTheIndependentScorer()
    {
        Skip.If(!File.Exists(Scorer), "../shared/tools/score_partition.py is not beside the repository");
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        Skip.If((await RunAsync("/usr/bin/python3", "-c", "import geopandas")).ExitCode != 0, "python3-geopandas is not installed (scripts/test.sh installs it)");
        var out_ = Path.Combine(Path.GetTempPath(), "gs-sample-score-" + Guid.NewGuid().ToString("N")[..8]);
        string F(string layer) => Samples.SampleFile(layer + ".geojson");
        try
        {
            var (code, output) = await ApiProcess.RunAsync(["partition", "--township", F("township"), "--households", F("households"),
                "--buildings", F("buildings"), "--barriers", F("barriers"), "--streets", F("streets"), "--villages", F("villages"), "--quiet", "--out", out_]);
            Assert.True(code == 0, output);

            var (exit, score) = await RunAsync("/usr/bin/python3", Scorer, "--township", F("township"), "--households", F("households"),
                "--barriers", F("barriers"), "--out", out_, "--check");

            Assert.True(exit == 0, score);
            using var figures = JsonDocument.Parse(score[score.IndexOf('{')..(score.LastIndexOf('}') + 1)]);
            var r = figures.RootElement;
            Assert.Empty(r.GetProperty("fails").EnumerateArray());
            Assert.True(r.GetProperty("households").GetInt32() >= 8000, score);
            Assert.Equal(0, r.GetProperty("non_contiguous").GetInt32());
            Assert.Equal(0, r.GetProperty("outside_own_territory").GetInt32());
            Assert.Equal(0, r.GetProperty("grid_nesting_violations").GetInt32());
        }
        finally
        {
            if (Directory.Exists(out_)) Directory.Delete(out_, recursive: true);
        }
    }
}
