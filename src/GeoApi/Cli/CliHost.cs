using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>scripts/gridspatial &lt;command&gt;</c>: the command-line entry point.</summary>
public static class CliHost
{
    public const string Usage = """
        usage: gridspatial <command> [options]
          serve                                   run the API (default)
          worker                                  run background jobs only (any number, beside the API)
          partition --township T --households H [--buildings B] [--barriers R] [--villages V]
                    [--previous DIR] [--options O.json] [--input-crs wgs84|gcj02] --out DIR
          partition-all --input DIR --out DIR [--options O.json] [--parallel N]
          import    --dir DIR | --township-code C --layer villages|buildings|households|barriers --file F
                    | --townships F
          recompute --township C [--reason TEXT]
          generate  [--townships N] [--households-per-township M] [--seed S] --out DIR
          keys      create --name N --role viewer|integrator|editor|admin [--jurisdiction PREFIX] | list | revoke ID
          bench     partition [--township T --households H [--barriers R]] [--county-households N] | lookup [--rate R --seconds S]
                    | tiles [--layer L] | recompute [--households N --edits E --quiet S]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args[0] switch
            {
                "partition" => PartitionCommand.Run(args[1..]),
                "partition-all" => PartitionAllCommand.Run(args[1..]),
                "bench" => await BenchCommand.RunAsync(args[1..]),
                "generate" => GenerateCommand.Run(args[1..]),
                "import" => await ImportCommand.RunAsync(args[1..]),
                "recompute" => await RecomputeCommand.RunAsync(args[1..]),
                "worker" => await WorkerCommand.RunAsync(args[1..]),
                "keys" => await KeysCommand.RunAsync(args[1..]),
                "help" or "-h" => Help(),
                _ => throw new UsageException($"Unknown command '{args[0]}'."),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{Usage}");
            return 2;
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Layer}{(e.Index is { } i ? $"[{i}]" : "")}{(e.FeatureId is { } id ? $" '{id}'" : "")} {e.Field}: {e.Message}");
            return 1;
        }
        catch (Infrastructure.ApiException e)
        {
            Console.Error.WriteLine($"error: {e.Title}: {e.Message}");
            return 1;
        }
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }
}
