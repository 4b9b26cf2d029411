using System.Globalization;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The cell a face belongs to after an edit: an old cell (keeping its codes), a piece
/// split off a micro-grid, or an old cell moved to another grid (new codes there).</summary>
/// <remarks>Owners are ordered by their <see cref="Name"/>, ordinally (<c>c10</c> before
/// <c>c2</c>): that order decides which unit takes a household on a shared boundary and which
/// neighbour wins a tie, so it must not change.</remarks>
internal abstract record FaceOwner : IComparable<FaceOwner>
{
    private protected FaceOwner() { }

    public abstract string Name { get; }

    public int CompareTo(FaceOwner? other) => string.CompareOrdinal(Name, other?.Name);

    public sealed override string ToString() => Name;
}

/// <summary>Cell <see cref="Cell"/> of the scope, in place.</summary>
internal sealed record OldCell(int Cell) : FaceOwner
{
    public override string Name => "c" + Cell.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Piece <see cref="Piece"/> of a split micro-grid that did not keep its code.</summary>
internal sealed record SplitPiece(int Piece) : FaceOwner
{
    public override string Name => "split:" + Piece.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Cell <see cref="Cell"/> moved whole or in part into another grid.</summary>
internal sealed record MovedCell(int Cell, GridKey Grid) : FaceOwner
{
    public override string Name => $"moved:c{Cell.ToString(CultureInfo.InvariantCulture)}:{Grid.Name}";
}
