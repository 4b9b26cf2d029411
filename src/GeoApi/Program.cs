using GridSpatial.GeoApi.Cli;
using GridSpatial.Partitioner.Inputs;

if (args.Length > 0 && args[0] != "serve" && !args[0].StartsWith("--", StringComparison.Ordinal))
{
    try
    {
        return args[0] switch
        {
            "partition" => PartitionCommand.Run(args[1..]),
            "bench" => BenchCommand.Run(args[1..]),
            "generate" => GenerateCommand.Run(args[1..]),
            _ => throw new UsageException($"Unknown command '{args[0]}'."),
        };
    }
    catch (UsageException e)
    {
        Console.Error.WriteLine($"error: {e.Message}\nusage: gridspatial {PartitionCommand.Usage}");
        return 2;
    }
    catch (InputException e)
    {
        Console.Error.WriteLine($"error: {e.Layer}{(e.Index is { } i ? $"[{i}]" : "")}{(e.FeatureId is { } id ? $" '{id}'" : "")} {e.Field}: {e.Message}");
        return 1;
    }
}
return 0;
