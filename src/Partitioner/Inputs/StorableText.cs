using System.Text.Json;

namespace GridSpatial.Partitioner.Inputs;

/// <summary>What PostgreSQL can store as <c>text</c> or <c>jsonb</c>: well-formed Unicode with
/// no NUL character (it refuses NUL with 22021/22P05 and lone surrogates cannot be encoded as
/// UTF-8). Every input path — JSON bodies, feature properties, paths and query strings — is
/// checked against this one definition before anything reaches the database.</summary>
public static class StorableText
{
    public static bool IsStorable(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\0' || char.IsLowSurrogate(c)) return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
        }
        return true;
    }

    /// <summary>The path (<c>name.inner[2]</c>) of the first string or property name inside
    /// <paramref name="value"/> that is not storable or not valid UTF-8; null when all are.</summary>
    public static string? FirstUnstorable(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(value, out var s) && IsStorable(s) ? null : path;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject())
                {
                    string name;
                    try { name = p.Name; }
                    catch (InvalidOperationException) { return path; }
                    var inner = path.Length == 0 ? name : $"{path}.{name}";
                    if (!IsStorable(name)) return path.Length == 0 ? "$" : path;
                    if (FirstUnstorable(p.Value, inner) is { } bad) return bad;
                }
                return null;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var e in value.EnumerateArray())
                    if (FirstUnstorable(e, $"{path}[{i++}]") is { } bad) return bad;
                return null;
            default:
                return null;
        }
    }

    private static bool Readable(JsonElement value, out string s)
    {
        try
        {
            s = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            //-- Invalid UTF-8 or an escaped lone surrogate.
            s = "";
            return false;
        }
    }
}
