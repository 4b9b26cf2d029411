using System.Text;
using GridSpatial.GeoApi.Features.Import;
using GridSpatial.Partitioner.Inputs;
using GridSpatial.Partitioner.Files.GeoJson;

namespace GridSpatial.GeoApi.Tests.Features;

public class FeatureReaderTests
{
    /// <summary>A stream that hands out a few bytes per read, as a slow disk or socket would.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65536)]
    public async Task ReadAsync_FeatureCollectionInChunks_YieldsEveryFeatureInOrder(int chunk)
    {
        var features = string.Join(",", Enumerable.Range(0, 500).Select(i =>
            $"{{\"type\":\"Feature\",\"properties\":{{\"id\":\"h{i}\",\"nested\":{{\"a\":[1,2,{{\"b\":\"]}}\"}}]}}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[104.9,27.4]}}}}"));
        var json = $"{{\"type\":\"FeatureCollection\",\"name\":\"x\",\"crs\":{{\"type\":\"name\"}},\"features\":[{features}],\"bbox\":[0,0,1,1]}}";
        var ids = new List<string>();
        await foreach (var f in FeatureReader.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(json), chunk), "households", CancellationToken.None))
            ids.Add(f.GetProperty("properties").GetProperty("id").GetString()!);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"h{i}"), ids);
    }

    [Fact]
    public async Task ReadAsync_TruncatedFile_IsRefused()
    {
        var json = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"a\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}},{\"type\":\"Fea";
        await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in FeatureReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), "households", CancellationToken.None)) { }
        });
    }
}
