namespace GridSpatial.GeoApi.Features.People;

/// <summary>The words of the "1+3+N" grid model, stored as stable English keys and shown with
/// their Chinese labels: people's roles, unit types (基础网格 / 专属网格) and the subtypes of a
/// 专属网格. <see cref="Parse"/> accepts a key or a label.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["grid_leader"] = "网格长",
        ["full_time"] = "专职网格员",
        ["part_time"] = "兼职网格员",
        ["instructor"] = "网格指导员",
        ["party_household"] = "党员中心户",
        ["volunteer"] = "志愿者",
    };

    public static readonly IReadOnlyDictionary<string, string> UnitTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["basic"] = "基础网格",
        ["dedicated"] = "专属网格",
    };

    /// <summary>What a 专属网格 covers.</summary>
    public static readonly IReadOnlyDictionary<string, string> Subtypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["school"] = "学校",
        ["hospital"] = "医院",
        ["market"] = "商圈市场",
        ["industrial_park"] = "产业园区",
        ["enterprise"] = "企业",
        ["government"] = "机关事业单位",
        ["scenic_area"] = "景区",
        ["transport_hub"] = "交通枢纽",
        ["construction_site"] = "建设工地",
        ["other"] = "其他",
    };

    /// <summary>The key of <paramref name="value"/> (a key or a label of <paramref name="words"/>), or null when it is neither.</summary>
    public static string? Parse(IReadOnlyDictionary<string, string> words, string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v)) return null;
        if (words.ContainsKey(v)) return v;
        foreach (var (key, label) in words)
            if (label == v) return key;
        return null;
    }

    public static string Label(IReadOnlyDictionary<string, string> words, string key) => words.GetValueOrDefault(key, key);

    /// <summary>"key (label)" pairs for an error message.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> words) => string.Join(", ", words.Select(w => $"{w.Key} ({w.Value})"));
}
