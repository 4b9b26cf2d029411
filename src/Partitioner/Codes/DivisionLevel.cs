namespace GridSpatial.Partitioner.Codes;

/// <summary>The levels of DESIGN §1; the value is the code's length.</summary>
public enum DivisionLevel
{
    County = 6,
    Township = 9,
    Village = 12,
    Grid = 15,
    MicroGrid = 18,
}
