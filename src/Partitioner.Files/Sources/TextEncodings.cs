using System.Text;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Text encodings of attribute files: names as .cpg files and people write them
/// (<c>UTF-8</c>, <c>GBK</c>, <c>CP936</c>, <c>936</c>, <c>GB2312</c>, <c>GB18030</c>, <c>65001</c>), and
/// the rule for files that do not say: UTF-8 when the bytes are valid UTF-8, else GBK (what
/// ArcGIS and SuperMap write on Chinese Windows).</summary>
public static class TextEncodings
{
    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>UTF-8 that throws (<see cref="DecoderFallbackException"/>) on bytes that are not UTF-8.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding Gbk => Encoding.GetEncoding(936);

    /// <exception cref="ArgumentException">Not an encoding this machine knows.</exception>
    public static Encoding Resolve(string name)
    {
        var n = name.Trim().ToLowerInvariant().Replace("ansi", "", StringComparison.Ordinal).Replace("cp", "", StringComparison.Ordinal).Trim();
        switch (n)
        {
            case "utf8" or "utf-8" or "65001":
                return Utf8;
            case "gbk" or "936" or "gb2312" or "gb-2312" or "x-gbk":
                return Gbk;
            case "gb18030" or "54936":
                return Encoding.GetEncoding(54936);
        }
        try
        {
            return int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page)
                ? Encoding.GetEncoding(page)
                : Encoding.GetEncoding(name.Trim());
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"不认识的编码 '{name}'；可用 utf-8、gbk、gb18030。Unknown encoding '{name}'; use utf-8, gbk or gb18030.", e);
        }
    }

    /// <summary>True when <paramref name="bytes"/> are valid UTF-8, a sequence cut at the end excepted.</summary>
    public static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        Span<char> chars = stackalloc char[256];
        while (i < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes[i..], chars, out int read, out _, replaceInvalidSequences: false, isFinalBlock: false);
            if (status == System.Buffers.OperationStatus.InvalidData) return false;
            if (read == 0) return status == System.Buffers.OperationStatus.NeedMoreData;
            i += read;
        }
        return true;
    }

    /// <summary>UTF-8 when every byte of the stream from its position is valid UTF-8, else GBK; reads to the end.</summary>
    public static Encoding Sniff(Stream stream)
    {
        var buffer = new byte[1 << 16];
        int kept = 0, n;
        while ((n = stream.Read(buffer, kept, buffer.Length - kept)) > 0)
        {
            int length = kept + n;
            var span = buffer.AsSpan(0, length);
            //-- Keep an incomplete sequence at the end for the next read.
            int cut = length;
            for (int back = 1; back <= 3 && back <= length; back++)
            {
                byte b = buffer[length - back];
                if ((b & 0xC0) == 0x80) continue;
                if (b >= 0xC0) cut = length - back;
                break;
            }
            if (!IsUtf8(span[..cut])) return Gbk;
            buffer.AsSpan(cut, length - cut).CopyTo(buffer);
            kept = length - cut;
        }
        //-- A sequence still cut at the end of the file is not UTF-8.
        return kept == 0 ? Utf8 : Gbk;
    }
}
