namespace GridSpatial.Partitioner.MicroGrids;

/// <summary>How a micro-grid was formed (DESIGN §1).</summary>
public enum MicroGridKind
{
    /// <summary>A compact group of about ten households from several sites.</summary>
    Cluster,

    /// <summary>One building (or location) with enough households to stand alone.</summary>
    Building,

    /// <summary>A run of consecutive floors of a large building.</summary>
    Floor,
}
