using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Editing;

/// <summary>What GIS staff can do to a published partition.</summary>
public enum EditKind
{
    /// <summary>Give a grid or micro-grid a new boundary: it wins, siblings give up or take over the difference.</summary>
    Redraw,

    /// <summary>Cut a grid or cluster micro-grid in two (or more) along a line.</summary>
    Split,

    /// <summary>Join sibling units (same parent) into one.</summary>
    Merge,

    /// <summary>Pin or unpin a unit: automatic recomputes leave a pinned unit as it is.</summary>
    Pin,
}

/// <summary>One edit: the unit codes it names (one, or several to merge) and, for a redraw or a
/// split, a lon/lat polygon or line.</summary>
public sealed record Edit(EditKind Kind, IReadOnlyList<string> Codes, Geometry? Geometry = null, bool Pinned = true)
{
    /// <summary>A redraw or split pins what staff drew — the redrawn unit, or the split unit and its
    /// new pieces — so later recomputes keep it as drawn.</summary>
    public bool PinDrawn { get; init; }
}

/// <summary>An edit that cannot be applied, naming the field at fault (<c>code</c>,
/// <c>codes</c>, <c>geometry</c>) and, where one is involved, the unit.</summary>
public sealed class EditException : Exception
{
    public EditException(int status, string field, string message, string? code = null) : base(message)
    {
        Status = status;
        Field = field;
        Code = code;
    }

    public EditException() : this(422, "", "") { }
    public EditException(string message) : this(422, "", message) { }
    public EditException(string message, Exception inner) : base(message, inner) => Field = "";

    /// <summary>404 for a code that is not current, 422 for an edit the coverage rules refuse.</summary>
    public int Status { get; } = 422;
    public string Field { get; }
    public string? Code { get; }
}
