using GridSpatial.Partitioner.MicroGrids;
using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>A territory unit under the edited unit's parent: a micro-grid, or a building's floor
/// runs, which share one territory. <see cref="Index"/> is its place in the scope.</summary>
internal sealed class Cell
{
    public required int Index { get; init; }

    /// <summary>Its micro-grids, by code.</summary>
    public required List<MicroGrid> Micro { get; init; }
    public required string Grid { get; init; }
    public required string Village { get; init; }

    /// <summary>Its territory in metres.</summary>
    public required Geometry Metric { get; init; }

    /// <summary>A building or floor micro-grid: never cut, a building's households stay together.</summary>
    public bool Atomic => Micro[0].Kind != MicroGridKind.Cluster;

    public string Code => Micro[0].Code;
}
