using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Tests.Infrastructure;

public class BoundedCacheTests
{
    [Fact]
    public void WithinItsCapacity_EachValueIsMadeOnce()
    {
        var cache = new BoundedCache<int, string>(100);
        int made = 0;
        for (int round = 0; round < 3; round++)
            for (int k = 0; k < 100; k++) Assert.Equal($"v{k}", cache.GetOrAdd(k, key => { made++; return $"v{key}"; }));
        Assert.Equal(100, made);
    }

    [Fact]
    public void PastItsCapacity_StartsOver_AndAnswersTheSame()
    {
        var cache = new BoundedCache<int, string>(10);
        int made = 0;
        for (int k = 0; k < 1000; k++) Assert.Equal($"v{k}", cache.GetOrAdd(k, key => { made++; return $"v{key}"; }));
        //-- Only the last few are still held: the last is answered from the cache, the first made again.
        Assert.Equal("v999", cache.GetOrAdd(999, key => { made++; return $"v{key}"; }));
        Assert.Equal(1000, made);
        Assert.Equal("v0", cache.GetOrAdd(0, key => { made++; return $"v{key}"; }));
        Assert.Equal(1001, made);
    }
}
