namespace GridSpatial.GeoApi.Cli;

/// <summary>What the command line says when the partitioner throws on input that passed validation:
/// a defect of ours, named in one line with the township, never a stack trace on the console.</summary>
public static class PartitionDefect
{
    /// <summary>The line to print: what failed, and the file the whole exception was written to (in the
    /// temporary folder, for the report).</summary>
    public static string Describe(string township, string label, Exception e)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gridspatial-partition-{township}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}.txt");
        File.WriteAllText(path, e.ToString());
        return $"{label} could not be partitioned: {e.GetType().Name}: {e.Message}. This is a defect of GridSpatial, not of the input; " +
            $"please report it with the input files. Details: {path}";
    }
}
