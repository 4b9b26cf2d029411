using GridSpatial.GeoApi.Features.People;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Tests.Features.People;

/// <summary>How attributes and people follow the code history, without a database: a split piece
/// inherits, a unit that absorbed another inherits its people, a clerk's write stops inheritance;
/// default names; phone numbers.</summary>
public class TownshipUnitsTests
{
    private const string P = "530627172201001001", T = "530627172201001002", R = "530627172201001003";

    private static UnitRow Unit(string code) => new(code, "micro_grid", code[..12], code[..15], "cluster", null, null, null, null, 10);

    private static AssignmentRow Person(long id, string code) => new(id, code, id * 10, "full_time", "张" + id, "1380000000" + id, null, new DateOnly(2026, 1, 1), null);

    private static TownshipUnits Units(IEnumerable<UnitLineage.Record> history, IEnumerable<string> current,
        Dictionary<string, OwnAttributes> attributes, params AssignmentRow[] assignments)
    {
        var units = current.ToDictionary(c => c, Unit);
        return new TownshipUnits("530627172", 3, units, new UnitLineage(history),
            new UnitNames("测试镇", new Dictionary<string, string> { ["530627172201"] = "木卓村民委员会" }, units, new Dictionary<string, string>()),
            attributes, assignments);
    }

    [Fact]
    public void Resolve_SplitPiece_InheritsAttributesAndPeople_AndBothAreFlagged()
    {
        var units = Units([new(P, 1, null, [], []), new(T, 2, null, [P], [])], [P, T],
            new() { [P] = new OwnAttributes("河东片", "basic", null, null, null, 1) }, Person(1, P));

        var piece = units.Resolve(T);
        Assert.Equal("河东片", piece.Attributes!.Name);
        Assert.True(piece.AttributesInherited);
        Assert.Equal([P], piece.InheritedFrom);
        Assert.Equal(P, Assert.Single(piece.People).From);
        Assert.True(piece.NeedsReview);
        Assert.Contains("inherited", piece.Reasons);

        var kept = units.Resolve(P);
        Assert.Equal(["split"], kept.Reasons);
        Assert.True(kept.NeedsReview);
        Assert.Null(Assert.Single(kept.People).From);
    }

    [Fact]
    public void Resolve_UnitThatAbsorbedARetiredOne_InheritsItsPeople_UntilReviewedAfterTheMerge()
    {
        List<UnitLineage.Record> history = [new(P, 1, null, [], []), new(R, 1, 1, [], [P])];
        var merged = Units(history, [P], [], Person(1, R));
        var p = merged.Resolve(P);
        Assert.Equal(R, Assert.Single(p.People).From);
        Assert.Contains("merged", p.Reasons);
        Assert.Contains("retired", merged.Resolve(R).Reasons);

        var reviewed = Units(history, [P], new() { [P] = new OwnAttributes(null, null, null, null, null, 2) }, Person(1, R));
        Assert.Empty(reviewed.Resolve(P).People);
        Assert.False(reviewed.Resolve(P).NeedsReview);
    }

    [Fact]
    public void Lineage_HoldsRetiredAndLinkedCodesOnly_AndAPlainCurrentUnitStillResolvesItsPeople()
    {
        //-- A province holds a million current codes without history: the snapshot keeps none of their records.
        List<UnitLineage.Record> history = [new(P, 1, null, [], []), new(T, 2, null, [], []), new(R, 1, 1, [], [P])];
        var units = Units(history, [P, T], [], Person(1, T), Person(2, R));
        Assert.False(units.Lineage.Knows(T));
        Assert.Null(units.Lineage.Get(T));
        Assert.True(units.Lineage.Knows(P));
        Assert.Equal([P], units.Lineage.Get(R)!.Successors);

        Assert.True(units.Knows(T));
        var plain = units.Resolve(T);
        Assert.Equal(1, Assert.Single(plain.People).Row.PersonId / 10);
        Assert.Empty(plain.Reasons);
        Assert.False(plain.NeedsReview);
        //-- Asked again (not remembered): the same answer.
        Assert.Equal(plain.People.Select(p => p.Row.Id), units.Resolve(T).People.Select(p => p.Row.Id));
        Assert.Equal(R, Assert.Single(units.Resolve(P).People, p => p.Row.Id == 2).From);
    }

    [Fact]
    public void Resolve_UnitWithNothingToReview_IsNotFlagged_AndGetsAGeneratedName()
    {
        var units = Units([new(P, 1, null, [], []), new(T, 2, null, [P], [])], [P, T], []);
        Assert.False(units.Resolve(T).NeedsReview);
        Assert.Equal("木卓村第1网格第2微网格", units.Name(T));
        Assert.Equal("木卓村第1网格", units.Names.Default(P[..15]));
    }

    [Theory]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("0871 65551234", "0871-65551234")]
    [InlineData("010-62345678-123", "010-62345678-123")]
    [InlineData(" ", null)]
    public void PhoneNumber_MobilesAndLandlines_AreNormalized(string written, string? stored) => Assert.Equal(stored, PhoneNumber.Normalize(written));

    [Theory]
    [InlineData("12345")]
    [InlineData("1381234567")]
    [InlineData("12812345678")]
    [InlineData("65551234")]
    [InlineData("010-12345678")]
    public void PhoneNumber_NotAChineseNumber_IsA400NamingTheField(string written)
    {
        var e = Assert.Throws<ApiException>(() => PhoneNumber.Normalize(written));
        Assert.Equal(400, e.Status);
        Assert.Equal("phone", e.Extensions!["field"]);
    }
}
