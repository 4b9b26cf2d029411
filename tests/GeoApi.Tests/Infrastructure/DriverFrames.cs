using System.Runtime.CompilerServices;

namespace Npgsql;

/// <summary>Frames in the driver's namespace, as its reader's are when a restart desyncs the protocol
/// (for <c>TransientFaultsTests</c>: the classification looks at who threw).</summary>
internal static class DriverFrames
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int IndexPastTheEnd() => new List<int>()[1];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InternalBug() => throw new InvalidOperationException("Internal Npgsql bug: unexpected value 77 of enum BackendMessageCode. Please file a bug.");
}
