using GridSpatial.GeoApi.Features.Access;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>A township's people as a whole: the review list (units nobody answers for, and units
/// whose people came through a split, merge or retirement), the workload per person, and the
/// people table (<see cref="PeopleTable"/>) in and out as CSV or XLSX with Chinese headers.</summary>
public static class TownshipPeopleEndpoints
{
    public static IEndpointRouteBuilder MapTownshipPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/townships/{code}/people").WithTags("People");
        g.MapGet("/review", Review).Require(Roles.People)
            .WithSummary("Units without a responsible person, and units whose people or attributes came through a split, merge or retirement (to review); ?level=grid|micro_grid.");
        g.MapGet("/workload", Load).Require(Roles.People).WithSummary("Per person: the grids and micro-grids they answer for and their households.");
        g.MapGet("/export", PeopleTable.ExportAsync).Require(Roles.People)
            .WithSummary("People and their assignments in the township as CSV (default) or XLSX (?format=xlsx), headers 姓名, 角色, 电话, 单位, 网格编码, 起始日期, 终止日期.");
        g.MapPost("/import", PeopleTable.ImportAsync).Require(Roles.People).RequireAuthorization(Roles.Edit)
            .Accepts<string>("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .WithSummary("Import people and assignments from CSV or XLSX with the export's headers: people matched by name and phone are updated, others created; an assignment already there is kept. All or nothing.");
        return app;
    }

    private static async Task<PeopleReview> Review(string code, string? level, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        if (level is not (null or "grid" or "micro_grid")) throw UnitEndpoints.Invalid("level", "level 应为 grid 或 micro_grid。");
        var units = await Existing(s.Directory, code, ct);
        bool personal = http.User.SeesPeople();
        var unassigned = units.Current.Values.Where(u => level is null || u.Level == level).Where(u => units.Resolve(u.Code).People.Count == 0)
            .OrderBy(u => u.Code, StringComparer.Ordinal).Select(u => new UnassignedUnit(u.Code, u.Level, units.Name(u.Code), u.Households)).ToList();
        var codes = units.Current.Keys.Concat(units.AssignedCodes).Distinct().Where(c => level is null || (c.Length == 18) == (level == "micro_grid"));
        var changed = new List<ChangedUnit>();
        foreach (var c in codes.Order(StringComparer.Ordinal))
        {
            var r = units.Resolve(c);
            if (!r.NeedsReview) continue;
            var history = units.Lineage.Get(c);
            changed.Add(new ChangedUnit(c, c.Length == 18 ? "micro_grid" : "grid", units.Current.ContainsKey(c) ? "current" : "retired", r.Reasons,
                history?.Predecessors ?? [], history?.Successors ?? [], units.People(c, personal)));
        }
        s.Audit.Record(http.User, units.Township, http.Request, changed.SelectMany(u => u.People).Select(p => p.PersonId));
        return new PeopleReview(units.Township, units.Version, unassigned, changed);
    }

    private static async Task<List<Workload>> Load(string code, HttpContext http, [AsParameters] UnitEndpoints.Services s, CancellationToken ct)
    {
        var units = await Existing(s.Directory, code, ct);
        var microGrids = units.Current.Values.Where(u => u.Level == "micro_grid").ToLookup(u => u.GridCode!, StringComparer.Ordinal);
        var load = new Dictionary<long, (AssignmentRow Person, HashSet<string> Grids, HashSet<string> MicroGrids)>();
        foreach (var unit in units.Current.Values)
            foreach (var p in units.Resolve(unit.Code).People)
            {
                if (!load.TryGetValue(p.Row.PersonId, out var entry)) load[p.Row.PersonId] = entry = (p.Row, [], []);
                //-- Whoever answers for a grid answers for each of its micro-grids' households, counted once.
                if (unit.Level == "grid")
                {
                    entry.Grids.Add(unit.Code);
                    foreach (var m in microGrids[unit.Code]) entry.MicroGrids.Add(m.Code);
                }
                else entry.MicroGrids.Add(unit.Code);
            }
        var list = load.Values.Select(e => new Workload(e.Person.PersonId, e.Person.Name, e.Person.Role, Vocabulary.Label(Vocabulary.Roles, e.Person.Role),
                e.Grids.Count, e.MicroGrids.Count, e.MicroGrids.Sum(m => units.Current[m].Households)))
            .OrderByDescending(w => w.Households).ThenBy(w => w.PersonId).ToList();
        s.Audit.Record(http.User, units.Township, http.Request, list.Select(w => w.PersonId));
        return list;
    }

    /// <summary>The township's snapshot; 404 naming <c>code</c> when there is no such township.</summary>
    private static async Task<TownshipUnits> Existing(UnitDirectory directory, string code, CancellationToken ct)
    {
        var units = await directory.ForAsync(Township(code), ct);
        return units.Exists ? units
            : throw new Infrastructure.ApiException(404, "乡镇不存在 (Unknown township)", $"There is no township '{code}'.", new() { ["field"] = "code" });
    }

    internal static string Township(string code) =>
        code.Length == 9 && code.All(char.IsAsciiDigit) ? code
            : throw new Infrastructure.ApiException(400, "编码无效 (Not a township code)", $"'{code}' 不是 9 位乡镇编码。", new() { ["field"] = "code" });
}
