namespace GridSpatial.Partitioner.Editing;

/// <summary>A key the editor orders by its <see cref="Name"/>, ordinally (<c>c10</c> before
/// <c>c2</c>, <c>+grid:0</c> before any code): the order the editor has always broken ties in,
/// which decides which unit takes a household on a shared boundary and which neighbour wins an
/// equal border, so it must not change.</summary>
internal abstract record NamedKey<TSelf> : IComparable<TSelf> where TSelf : NamedKey<TSelf>
{
    public abstract string Name { get; }

    public int CompareTo(TSelf? other) => string.CompareOrdinal(Name, other?.Name);

    public sealed override string ToString() => Name;
}
