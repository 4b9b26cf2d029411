using System.Globalization;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The grid a face belongs to after an edit: a grid of the current version, or a piece
/// split off a grid, which takes a new code once all faces are placed.</summary>
internal abstract record GridKey : NamedKey<GridKey>
{
    private protected GridKey() { }
}

/// <summary>A grid of the current version, by its code.</summary>
internal sealed record ExistingGrid(string Code) : GridKey
{
    public override string Name => Code;
}

/// <summary>Piece <see cref="Piece"/> of a split grid that did not keep its code.</summary>
internal sealed record NewGrid(int Piece) : GridKey
{
    public override string Name => "+grid:" + Piece.ToString(CultureInfo.InvariantCulture);
}
