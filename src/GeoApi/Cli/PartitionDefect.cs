namespace GridSpatial.GeoApi.Cli;

/// <summary>What the command line says when the partitioner throws on input that passed validation:
/// a defect of ours, named in one line with the township, never a stack trace on the console.</summary>
public static class PartitionDefect
{
    public static string Describe(string township, Exception e) =>
        $"{township} could not be partitioned: {e.GetType().Name}: {e.Message}. This is a defect of GridSpatial, not of the input; please report it with the input files";

    /// <summary>The whole exception, written to a file in the temporary folder for the report: its path.</summary>
    public static string Keep(string township, Exception e)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gridspatial-partition-{township}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}.txt");
        File.WriteAllText(path, e.ToString());
        return path;
    }
}
