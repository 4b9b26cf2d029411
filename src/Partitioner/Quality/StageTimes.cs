using System.Diagnostics;

namespace GridSpatial.Partitioner.Quality;

/// <summary>Milliseconds per stage of a run (the report's <c>elapsed_ms</c>): each stage is the time
/// since the previous one ended, reported to <paramref name="progress"/> as it ends.</summary>
internal sealed class StageTimes(IProgress<string>? progress = null)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Dictionary<string, long> Elapsed { get; } = [];

    public void Stage(string name)
    {
        Elapsed[name] = _clock.ElapsedMilliseconds;
        _clock.Restart();
        progress?.Report(name);
    }
}
