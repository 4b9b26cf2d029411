using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>Software prefetch (x86's PREFETCHT0): asks for a cache line without waiting for it. A
/// prefetch never faults and changes no data, so an address the collector has since moved costs a
/// wasted line at worst. A no-op where the processor offers none to .NET.</summary>
internal static class Prefetch
{
    /// <summary>Whether a prefetch does anything here (warming walks is wasted work where it does not).</summary>
    public static bool Works => Sse.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(ref T at)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref at));
    }

    /// <summary>Every cache line of <paramref name="span"/>.</summary>
    public static unsafe void Span<T>(ReadOnlySpan<T> span) where T : unmanaged
    {
        if (!Sse.IsSupported || span.IsEmpty) return;
        byte* from = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
        byte* to = from + (long)span.Length * sizeof(T);
        for (byte* p = (byte*)((long)from & ~63L); p < to; p += 64) Sse.Prefetch0(p);
    }

    public static void Span<T>(Span<T> span) where T : unmanaged => Span((ReadOnlySpan<T>)span);

    /// <summary>The cache lines of <paramref name="o"/>'s header and its first <paramref name="bytes"/> bytes (an
    /// array's length is its first 8), without reading the object: a field read or call on it would wait for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object? o, int bytes)
    {
        if (!Sse.IsSupported || o is null) return;
        //-- The reference is the object's address (its method table pointer; the header word is the 8 bytes before).
        byte* at = *(byte**)Unsafe.AsPointer(ref o);
        for (byte* line = (byte*)((long)(at - 8) & ~63L); line < at + 8 + bytes; line += 64) Sse.Prefetch0(line);
    }
}
