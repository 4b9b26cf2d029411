using System.CommandLine;
using GridSpatial.GeoApi.Features.Retention;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>compact</c>: retention now, the same <see cref="VersionCompactor"/> the recurring
/// job runs: drops the territories of versions older than the age (never the current version's,
/// a pinned unit's or a code's last one) and keeps codes, assignments, history and diffs.</summary>
public static class CompactCommand
{
    public static Command Create()
    {
        var olderThan = new Option<string>("--older-than") { Description = "the age of the versions to compact: 90d, 12h, 30m (a bare number is days)", HelpName = "AGE", Required = true };
        var township = new Option<string?>("--township") { Description = "only this township (default: every township)", HelpName = "C" };
        var command = new Command("compact", "drops the territories of old versions, keeping their codes, assignments, history and diffs") { olderThan, township };
        command.SetAction(p => RunAsync(p.GetRequiredValue(olderThan), p.GetValue(township)));
        return command;
    }

    private static async Task<int> RunAsync(string olderThan, string? township)
    {
        if (!VersionCompactor.TryParseAge(olderThan, out var age))
            throw new UsageException($"--older-than: '{olderThan}' is not an age such as 90d, 12h or 30m.");
        var cs = Database.ConnectionString();
        Migrator.Apply(cs);
        await using var db = Database.Create(cs);
        var results = await new VersionCompactor(db).CompactAsync(age, township, CancellationToken.None);
        foreach (var r in results)
            Console.WriteLine($"{r.Township}: versions through {r.Through} compacted ({r.Versions} newly), {r.Territories} territories dropped, {r.Bytes:N0} bytes");
        if (results.Count == 0) Console.WriteLine("nothing older than that");
        return 0;
    }
}
