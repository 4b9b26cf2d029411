using System.Globalization;

namespace GridSpatial.Partitioner.Editing;

/// <summary>The cell a face belongs to after an edit: an old cell (keeping its codes), a piece
/// split off a micro-grid, or an old cell moved to another grid (new codes there).</summary>
internal abstract record FaceOwner : NamedKey<FaceOwner>
{
    private protected FaceOwner() { }
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
