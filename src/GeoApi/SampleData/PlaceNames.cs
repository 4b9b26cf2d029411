namespace GridSpatial.GeoApi.SampleData;

/// <summary>Names in the style of north-east Yunnan (镇雄, 彝良): natural villages named after a
/// tree, a rock or a position plus a landform (麻柳湾, 岩脚, 大田坝), streams (沟, 箐), town streets
/// and housing estates (小区). Never the same name twice in one township.</summary>
internal sealed class PlaceNames(Random rnd)
{
    private static readonly string[] Heads =
    [
        "大", "小", "上", "下", "新", "老", "中", "麻柳", "核桃", "梨树", "杉树", "青杠", "松林", "竹林", "黄泥", "石板",
        "水井", "岩", "干", "白果", "马鞍", "龙井", "羊", "牛", "鸡", "大田", "苦竹", "桃子", "瓦窑", "油房", "茶园", "花椒",
        "漆树", "火烧", "落水", "凉水", "冷水", "堰塘", "营盘", "庙", "磨",
    ];

    private static readonly string[] Tails = ["寨", "湾", "坪", "坝", "沟", "坡", "垭口", "槽", "林", "脚", "头", "冲", "箐", "凹", "堡", "田", "岗", "洞"];

    private static readonly string[] StreamTails = ["沟", "河", "箐"];

    private static readonly string[] RidgeTails = ["梁子", "岭", "山", "坡"];

    private static readonly string[] VillageStems =
    [
        "木卓", "茶卓", "六井", "银屏", "新桥", "环山", "墨黑", "红岩", "青松", "大坪", "小河", "龙潭", "安乐", "松林", "田坝",
        "双河", "三合", "石龙", "花朗", "坪上", "高坎", "杉木", "庄子", "凉风",
    ];

    private static readonly string[] EstateNames = ["锦绣花园", "阳光小区", "滨江苑", "金山小区", "翠湖名居", "兴隆家园", "和谐小区", "福祥苑", "书香苑", "银河湾"];

    private static readonly string[] StreetNames =
    [
        "正街", "新街", "兴隆街", "文化路", "建设路", "民族路", "团结路", "振兴路", "幸福路", "人民路", "育才路", "朝阳路", "金桥路", "环城路", "丰收路", "和平路",
    ];

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Reserves names taken elsewhere (real village names), so none is made up twice.</summary>
    public void Reserve(string name) => _used.Add(name);

    public string NaturalVillage() => Unique(() => Heads[rnd.Next(Heads.Length)] + Tails[rnd.Next(Tails.Length)]);

    public string Stream() => Unique(() => Heads[rnd.Next(Heads.Length)] + StreamTails[rnd.Next(StreamTails.Length)]);

    /// <summary>A spur ridge: 大梁子, 松林岭, 马鞍山.</summary>
    public string Ridge() => Unique(() => Heads[rnd.Next(Heads.Length)] + RidgeTails[rnd.Next(RidgeTails.Length)]);

    public string VillageStem() => Unique(() => VillageStems[rnd.Next(VillageStems.Length)], () => NaturalVillage());

    public string Estate() => Unique(() => EstateNames[rnd.Next(EstateNames.Length)], () => NaturalVillage() + "小区");

    /// <summary>Town streets in order: the first is the main street (正街).</summary>
    public static string Street(int index) => index < StreetNames.Length ? StreetNames[index] : $"{index - StreetNames.Length + 1}号路";

    private string Unique(Func<string> make, Func<string>? fallback = null)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            var name = make();
            if (_used.Add(name)) return name;
        }
        if (fallback is not null) return fallback();
        //-- Heads × tails run out only in huge townships: number the repeats like 大寨二.
        for (int n = 2; ; n++)
        {
            var name = make() + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_used.Add(name)) return name;
        }
    }
}
