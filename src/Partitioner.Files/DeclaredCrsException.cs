namespace GridSpatial.Partitioner.Files;

/// <summary>A file that declares a CRS the registry (<see cref="InputCrs"/>) does not know: a
/// Shapefile's .prj, a GeoJSON <c>crs</c> member, a GeoPackage layer's SRS. Not a misfit of the
/// coordinates (those are <see cref="CrsFit"/>'s, reported per feature): the file says what it is,
/// and the service cannot read that; the fix is to name the CRS with <c>crs=</c>.</summary>
public sealed class DeclaredCrsException : ArgumentException
{
    public DeclaredCrsException(string layer, string declaration, string message) : base(message)
    {
        Layer = layer;
        Declaration = declaration;
    }

    public DeclaredCrsException() { Layer = ""; Declaration = ""; }
    public DeclaredCrsException(string message) : base(message) { Layer = ""; Declaration = ""; }
    public DeclaredCrsException(string message, Exception inner) : base(message, inner) { Layer = ""; Declaration = ""; }

    public string Layer { get; }

    /// <summary>Where the file declares it: <c>.prj</c>, <c>GeoJSON crs</c> or <c>GeoPackage SRS</c>.</summary>
    public string Declaration { get; }
}
