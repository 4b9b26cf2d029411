namespace GridSpatial.Partitioner.Quality;

/// <summary>What nesting cost (the nesting section's <c>cost</c>): the township's inputs partitioned
/// with the departmental layer's borders (<paramref name="Nested"/>) and, in the same recompute,
/// without them (<paramref name="Unnested"/>), and <paramref name="Difference"/> = nested − unnested.</summary>
/// <param name="MeasuredAtVersion">The version whose recompute partitioned the inputs both ways.</param>
/// <param name="Carried">True when a later local recompute (only some grids recomputed) carried these
/// figures over from <paramref name="MeasuredAtVersion"/> as they were: they describe that version's
/// partitions, not this one's (the nesting section's own shares are measured afresh).</param>
public sealed record NestingCost(int MeasuredAtVersion, bool Carried, SizeBalance Nested, SizeBalance Unnested, SizeBalance Difference)
{
    /// <summary>The cost of <paramref name="nested"/> against <paramref name="unnested"/>, both just computed from one input as <paramref name="version"/>.</summary>
    public static NestingCost Between(Partition nested, Partition unnested, int version, PartitionOptions options)
    {
        var (a, b) = (SizeBalance.Of(nested, options), SizeBalance.Of(unnested, options));
        return new NestingCost(version, false, a, b, a.Minus(b));
    }
}
