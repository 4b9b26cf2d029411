using System.Text.RegularExpressions;
using GridSpatial.GeoApi.Infrastructure;

namespace GridSpatial.GeoApi.Features.People;

/// <summary>Chinese telephone numbers: a mobile (11 digits starting 13–19, optionally +86) or a
/// landline with its area code (0 + 2–3 digits, 7–8 digits, an optional extension). Stored as
/// written without spaces: <c>13812345678</c>, <c>0871-12345678</c>, <c>0871-12345678-123</c>.</summary>
public static partial class PhoneNumber
{
    /// <summary>The normalized number, null for none; a 400 problem naming <paramref name="field"/> when it is neither a mobile nor a landline.</summary>
    public static string? Normalize(string? value, string field = "phone")
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = Spaces().Replace(value, "");
        if (v.StartsWith("+86", StringComparison.Ordinal)) v = v[3..];
        else if (v.StartsWith("0086", StringComparison.Ordinal)) v = v[4..];
        if (Mobile().IsMatch(v)) return v;
        var landline = Landline().Match(v);
        if (landline.Success)
            return landline.Groups[1].Value + "-" + landline.Groups[2].Value + (landline.Groups[3].Success ? "-" + landline.Groups[3].Value : "");
        throw new ApiException(400, "电话号码无效 (Invalid phone number)",
            $"'{value}' 不是手机号（11 位，1 开头）或带区号的固话（如 0871-12345678）。Not a Chinese mobile (11 digits starting with 1) or a landline with its area code.",
            new() { ["field"] = field });
    }

    [GeneratedRegex(@"[\s()（）]")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^(0[1-9][0-9]{1,2})-?([2-9][0-9]{6,7})(?:[-转#]([0-9]{1,6}))?$")]
    private static partial Regex Landline();
}
