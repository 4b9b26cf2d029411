using GridSpatial.Partitioner.Inputs;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridSpatial.Partitioner.Editing;

/// <summary>Where the households of the scope (and any not yet assigned) stand after an edit:
/// the new cell whose territory holds each, by containment, an interior hit before a boundary
/// one and the smallest owner among equals. A household outside the scope is not placed: a new
/// household elsewhere waits for the next recompute.</summary>
internal sealed class HouseholdPlacement
{
    /// <summary>The micro-grid code each household had before the edit.</summary>
    public required Dictionary<string, string> OldMicroOf { get; init; }

    /// <summary>The codes of the scope's micro-grids before the edit.</summary>
    public required HashSet<string> ScopeCodes { get; init; }

    /// <summary>The new cell of each placed household, in input order.</summary>
    public required Dictionary<string, FaceOwner> CellOf { get; init; }

    public static HouseholdPlacement Of(EditScope scope, EditedTerritories territories,
        IReadOnlyList<HouseholdInput> households, IReadOnlyList<Coordinate> metricHouseholds)
    {
        var oldMicroOf = scope.Current.Assignments.ToDictionary(a => a.HouseholdId, a => a.MicroGridCode, StringComparer.Ordinal);
        var scopeCodes = new HashSet<string>(scope.Cells.SelectMany(c => c.Micro).Select(m => m.Code), StringComparer.Ordinal);
        var index = new STRtree<FaceOwner>();
        foreach (var (owner, t) in territories.Metric) index.Insert(t.EnvelopeInternal, owner);
        index.Build();
        var locators = territories.Metric.ToDictionary(kv => kv.Key, kv => new IndexedPointInAreaLocator(kv.Value));
        var cellOf = new Dictionary<string, FaceOwner>(StringComparer.Ordinal);
        for (int i = 0; i < households.Count; i++)
        {
            var h = households[i];
            bool inScope = !oldMicroOf.TryGetValue(h.Id, out var old) || scopeCodes.Contains(old);
            if (!inScope) continue;
            var at = metricHouseholds[i];
            FaceOwner? found = null;
            foreach (var owner in index.Query(new Envelope(at)).Order())
            {
                var loc = locators[owner].Locate(at);
                if (loc == Location.Interior) { found = owner; break; }
                if (loc == Location.Boundary) found ??= owner;
            }
            if (found is not null) cellOf[h.Id] = found;
        }
        return new HouseholdPlacement { OldMicroOf = oldMicroOf, ScopeCodes = scopeCodes, CellOf = cellOf };
    }
}
