using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GridSpatial.GeoApi.Cli;

/// <summary>An open-loop schedule: request i starts at i / rate seconds whatever the latency of the
/// ones before, from a thread of its own that sleeps with microsecond precision (usleep) between
/// them. Awaiting a timer instead (Task.Delay: a millisecond's resolution, late under load) sent
/// the requests in bursts of 7–10 every 4–5 ms, and a burst queues at the server, so part of the
/// tail measured was the generator's. Each request is handed the time it was due (a
/// <see cref="Stopwatch"/> timestamp): a latency measured from it includes any lag of the generator
/// itself (a pacer or pool thread that ran late), which measuring from the actual start would hide.</summary>
public static partial class FixedRate
{
    /// <summary>Starts <paramref name="total"/> requests at <paramref name="rate"/> per second, each on
    /// the thread pool with the timestamp it was due, and waits for all of them.</summary>
    public static async Task RunAsync(int total, int rate, Func<int, long, Task> start)
    {
        var tasks = new Task[total];
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        long origin = Stopwatch.GetTimestamp();
        var pacer = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < total; i++)
                {
                    double due = i * 1000.0 / rate;
                    for (double wait; (wait = due - clock.Elapsed.TotalMilliseconds) > 0.02;)
                        _ = USleep((uint)Math.Max(1, wait * 1000 - 50));
                    int k = i;
                    long scheduled = origin + (long)(due * Stopwatch.Frequency / 1000);
                    tasks[k] = Task.Run(() => start(k, scheduled));
                }
                paced.SetResult();
            }
            catch (Exception e)
            {
                //-- Without libc's usleep (not glibc) or anything else: the run fails, the process does not.
                paced.SetException(e);
            }
        })
        { IsBackground = true, Name = "fixed-rate-pacer" };
        pacer.Start();
        //-- Awaited, not joined: no pool thread blocks for the whole run.
        await paced.Task;
        await Task.WhenAll(tasks);
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);
}
