using System.Runtime.InteropServices;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Runs CPU-heavy work (a partition, an edit) on a thread of its own at lower priority,
/// not on the thread pool, so requests (lookups above all) keep their threads and their latency
/// while a township is recomputed in the same process. On Linux, where .NET ignores thread
/// priorities, the thread lowers its own scheduling priority (nice 10) instead.</summary>
public static partial class Background
{
    /// <summary>The compute threads' nice value (GRIDSPATIAL_COMPUTE_NICE, default 10; 0 keeps them level with requests).</summary>
    private static readonly int Nice = int.TryParse(Environment.GetEnvironmentVariable("GRIDSPATIAL_COMPUTE_NICE"), out var n) ? Math.Clamp(n, 0, 19) : 10;
    public static Task<T> Run<T>(Func<T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerPriority();
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        })
        {
            IsBackground = true,
            Name = "gridspatial-compute",
            Priority = ThreadPriority.BelowNormal,
        };
        thread.Start();
        return done.Task;
    }

    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux() || Nice == 0) return;
        try
        {
            //-- setpriority(PRIO_PROCESS, tid) sets one thread's nice value on Linux; raising it needs no privilege.
            long gettid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 178 : 186;
            _ = SetPriority(0, (int)SysCall(gettid), Nice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>Every thread of this process at the compute threads' nice value, for a process that only
    /// runs background jobs (<c>worker</c>): its loads, publishes and garbage collections, not only its
    /// partitions, then yield the cores to the API processes beside it. Threads started later inherit the
    /// value from the thread that starts them, all of which are lowered here.</summary>
    public static void LowerProcessPriority()
    {
        if (!OperatingSystem.IsLinux() || Nice == 0) return;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
                if (int.TryParse(Path.GetFileName(task), out var tid)) _ = SetPriority(0, tid, Nice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long SysCall(long number);
}
