using System.Text.Json.Serialization;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>A person (a grid worker, instructor, party household, volunteer). Name and phone are
/// personal information: only keys with the <c>people</c> permission ever read a PersonDto.</summary>
public sealed record PersonDto(long Id, string Jurisdiction, string Role, string RoleLabel, string Name, string? Phone, string? Organisation);

/// <summary>A person's fields as sent (POST, PATCH); <see cref="Jurisdiction"/> is a county (6) or township (9) code.</summary>
public sealed record PersonRequest(string? Name, string? Role, string? Phone, string? Organisation, string? Jurisdiction);

/// <summary>An assignment as sent: the person, from (default today) and optionally until.</summary>
public sealed record AssignmentRequest(long? PersonId, DateOnly? ValidFrom, DateOnly? ValidTo);

/// <summary>Someone responsible for a unit. <see cref="Name"/> and <see cref="Phone"/> are left out
/// for keys without the <c>people</c> permission; <see cref="InheritedFrom"/> names the predecessor
/// code the assignment came from when the unit was split or merged (to review).</summary>
public sealed record UnitPerson(long AssignmentId, long PersonId, string Role, string RoleLabel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    string? Organisation, DateOnly ValidFrom, DateOnly? ValidTo, string? InheritedFrom);

/// <summary>A grid's or micro-grid's attributes: its name (generated from the village and serial
/// until a clerk names it), type and subtype, area of its current territory, organisation and
/// remarks. <see cref="NeedsReview"/>: the unit was split or merged since a clerk last wrote for it,
/// or inherits from <see cref="InheritedFrom"/>.</summary>
public sealed record UnitAttributes(string Code, string Level, string Status, string Name, bool NameGenerated, string? Type, string? TypeLabel,
    string? Subtype, string? SubtypeLabel, double? AreaM2, string? Organisation, string? Remarks, bool NeedsReview, IReadOnlyList<string> InheritedFrom);

/// <summary>A PATCH of attributes: a property present sets (null clears), an absent one is kept.</summary>
public sealed record AttributesPatch(string? Name, string? Type, string? Subtype, string? Organisation, string? Remarks);

/// <summary>Who is responsible for the grid and the micro-grid of a lookup answer.</summary>
public sealed record Responsible(ResponsibleUnit? Grid, ResponsibleUnit? MicroGrid);

/// <summary>A unit's name and its people (roles always; names and phones for keys with the <c>people</c> permission).</summary>
public sealed record ResponsibleUnit(string Code, string Name, string? Type, bool NeedsReview, int PeopleCount, IReadOnlyList<PersonRef> People);

public sealed record PersonRef(string Role, string RoleLabel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone);

/// <summary>The review list of a township: units nobody is responsible for, and units whose people
/// or attributes came through a split, merge or retirement.</summary>
public sealed record PeopleReview(string Township, int? Version, IReadOnlyList<UnassignedUnit> Unassigned, IReadOnlyList<ChangedUnit> Changed);

public sealed record UnassignedUnit(string Code, string Level, string Name, int Households);

/// <summary><see cref="Reasons"/>: <c>split</c> (pieces left it), <c>merged</c> (it absorbed units),
/// <c>inherited</c> (it holds a predecessor's people), <c>retired</c> (the code is gone).</summary>
public sealed record ChangedUnit(string Code, string Level, string Status, IReadOnlyList<string> Reasons, IReadOnlyList<string> Predecessors,
    IReadOnlyList<string> Successors, IReadOnlyList<UnitPerson> People);

/// <summary>A person's load in a township: the grids and micro-grids they are responsible for and their households.</summary>
public sealed record Workload(long PersonId, string Name, string Role, string RoleLabel, int Grids, int MicroGrids, int Households);

public sealed record ImportResult(int Rows, int PeopleCreated, int PeopleUpdated, int AssignmentsCreated);
