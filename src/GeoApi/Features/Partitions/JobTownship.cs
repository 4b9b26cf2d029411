using System.Reflection;

namespace GridSpatial.GeoApi.Features.Partitions;

/// <summary>The township a Hangfire job works on: the string argument bound to its method's
/// township parameter (<c>townshipCode</c> or <c>code</c>), or null for a job of no township (the
/// consistency check, the full recompute), whatever the types of its other arguments.</summary>
public static class JobTownship
{
    public static string? Of(Hangfire.Common.Job job)
    {
        ParameterInfo[] parameters = job.Method.GetParameters();
        for (int i = 0; i < parameters.Length && i < job.Args.Count; i++)
            if (parameters[i].ParameterType == typeof(string) && parameters[i].Name is "townshipCode" or "code")
                return job.Args[i] as string;
        return null;
    }
}
