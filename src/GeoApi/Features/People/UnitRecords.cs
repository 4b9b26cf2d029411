namespace GridSpatial.GeoApi.Features.People;

/// <summary>A current grid or micro-grid as the directory reads it (a province holds a million of
/// them: strings shared within the township, the area read only when asked, <see cref="UnitDirectory.AttributesAsync"/>).</summary>
public sealed record UnitRow(string Code, string Level, string VillageCode, string? GridCode, string? Kind, string? BuildingId, int? FloorFrom, int? FloorTo,
    string? Unit, int Households);

/// <summary>What a clerk wrote for a code; <see cref="ReviewedVersion"/> is the version current then.</summary>
public sealed record OwnAttributes(string? Name, string? Type, string? Subtype, string? Organisation, string? Remarks, int ReviewedVersion);

/// <summary>An assignment still in force (no end, or an end not past) with its person.</summary>
public sealed record AssignmentRow(long Id, string Code, long PersonId, string Role, string Name, string? Phone, string? Organisation, DateOnly ValidFrom, DateOnly? ValidTo)
{
    public UnitPerson ToUnitPerson(bool personal, string? inheritedFrom) => new(Id, PersonId, Role, Vocabulary.Label(Vocabulary.Roles, Role),
        personal ? Name : null, personal ? Phone : null, Organisation, ValidFrom, ValidTo, inheritedFrom);
}

public sealed record ResolvedPerson(AssignmentRow Row, string? From);

/// <summary><see cref="AttributesInherited"/>: the attributes are a predecessor's, not the code's own.</summary>
public sealed record UnitResolution(string Code, OwnAttributes? Attributes, bool AttributesInherited, IReadOnlyList<string> InheritedFrom,
    IReadOnlyList<ResolvedPerson> People, IReadOnlyList<string> Reasons, bool NeedsReview);

internal static class PeopleJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
