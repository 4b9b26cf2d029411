namespace GridSpatial.GeoApi.Features.Layers;

/// <summary>How well a departmental layer fits the comprehensive grid of one township (issue #19
/// item 3), for the versions it names: the share of micro-grids and grids wholly inside one unit
/// (<see cref="CrosswalkPair.SliverShare"/> of their area may lie elsewhere: digitising noise), the
/// grids and micro-grids that units split with the households on each side, and the layer's own
/// gaps and overlaps inside the township and its area outside it, in m² of the township's metric CRS. A layer
/// that does not tile is reported, never refused.</summary>
public sealed record FitReport(string Township, string Layer, int LayerVersion, int PartitionVersion,
    int MicroGrids, int MicroGridsNested, double MicroGridsNestedShare, int Grids, int GridsNested, double GridsNestedShare,
    IReadOnlyList<FitSplit> Splits, double TownshipArea, double GapArea, double GapAreaRatio, int GapHouseholds, IReadOnlyList<FitGap> Gaps,
    double OverlapArea, double OverlapAreaRatio, IReadOnlyList<FitOverlap> Overlaps, double OutsideArea);

/// <summary>A grid or micro-grid (<see cref="Level"/>) that two or more units share.</summary>
public sealed record FitSplit(string Level, string Code, int Households, IReadOnlyList<FitSide> Sides);

/// <summary>One unit's side of a split: its share of the grid's area and the grid's households in it.</summary>
public sealed record FitSide(string Unit, double AreaShare, int Households);

/// <summary>A piece of the township no unit covers, with the assigned households in it and a point inside it (lon, lat).</summary>
public sealed record FitGap(double Area, int Households, double[] Point);

/// <summary>Land (inside the township) that units <see cref="A"/> and <see cref="B"/> both cover, with the households in it.</summary>
public sealed record FitOverlap(string A, string B, double Area, int Households);
