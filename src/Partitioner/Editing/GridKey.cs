using System.Globalization;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The grid a face belongs to after an edit: a grid of the current version, or a piece
/// split off a grid, which takes a new code once all faces are placed.</summary>
/// <remarks>Ordered by <see cref="Name"/>, ordinally (a new grid before any code): ties between
/// grids are broken in that order.</remarks>
internal abstract record GridKey : IComparable<GridKey>
{
    private protected GridKey() { }

    public abstract string Name { get; }

    public int CompareTo(GridKey? other) => string.CompareOrdinal(Name, other?.Name);

    public sealed override string ToString() => Name;
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
