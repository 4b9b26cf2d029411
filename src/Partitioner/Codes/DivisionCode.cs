namespace GridSpatial.Partitioner.Codes;

/// <summary>A code of DESIGN §1: county (6 digits), township (9), village (12), grid (15) or
/// micro-grid (18). Parsing is the only way to make one and it is strict — ASCII digits 0–9
/// only, the exact length of a level — so a value of this type never holds spaces, signs,
/// full-width or other scripts' digits, and two equal codes are equal strings. Every input
/// path parses once and then works on this value (jurisdiction checks, parent checks, SQL).</summary>
public sealed record DivisionCode
{
    private DivisionCode(string value) => Value = value;

    /// <summary>The code's digits, as stored.</summary>
    public string Value { get; }

    public DivisionLevel Level => (DivisionLevel)Value.Length;

    /// <summary>The township this code lies in (itself for a township); null for a county.</summary>
    public DivisionCode? Township => Value.Length >= 9 ? new DivisionCode(Value[..9]) : null;

    /// <summary>The code one level up; null for a county.</summary>
    public DivisionCode? Parent => Value.Length > 6 ? new DivisionCode(Value[..^3]) : null;

    /// <summary>Whether this code is <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsWithin(DivisionCode ancestor) => Value.StartsWith(ancestor.Value, StringComparison.Ordinal);

    /// <summary>Parses a code of any level.</summary>
    public static bool TryParse(string? text, out DivisionCode code)
    {
        code = null!;
        if (text is null || text.Length is not (6 or 9 or 12 or 15 or 18) || !IsDigits(text)) return false;
        code = new DivisionCode(text);
        return true;
    }

    /// <summary>Parses a code of one of the given levels.</summary>
    public static bool TryParse(string? text, out DivisionCode code, params DivisionLevel[] levels) =>
        TryParse(text, out code) && levels.Contains(code.Level);

    /// <summary>Whether <paramref name="text"/> is made of ASCII digits 0–9 only (the empty string is):
    /// the one definition of a code's characters, also used for code prefixes.</summary>
    public static bool IsDigits(string text) => text.All(char.IsAsciiDigit);

    public override string ToString() => Value;
}
