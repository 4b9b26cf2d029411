namespace GridSpatial.Partitioner.Codes;

/// <summary>The codes of one township (DESIGN §2), one rule for the partitioner and the editor
/// alike. Serials: a new unit takes the next serial after every serial ever used under its
/// parent, current or retired, so a retired code is never issued again. History: a code that is
/// still current keeps its open record, any other current code opens a record at the new version
/// with its predecessors, and a code that is no longer current is closed at the version before,
/// with its successors.</summary>
public sealed class CodeRegistry
{
    private readonly Dictionary<string, CodeRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _maxSerial = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeRecord> _opened = new(StringComparer.Ordinal);
    private readonly HashSet<string> _current = new(StringComparer.Ordinal);

    /// <param name="history">The code history so far.</param>
    /// <param name="issued">Codes in use that the history may not list yet.</param>
    public CodeRegistry(IEnumerable<CodeRecord> history, IEnumerable<string> issued)
    {
        foreach (var r in history)
        {
            _records[r.Code] = r;
            Note(r.Code);
        }
        foreach (var c in issued) Note(c);
    }

    /// <summary>Whether <paramref name="parentCode"/> has a serial left (001–999).</summary>
    public bool HasFreeSerial(string parentCode) => _maxSerial.GetValueOrDefault(parentCode) < 999;

    /// <summary>The next free code under <paramref name="parentCode"/>; that serial is then used.</summary>
    public string Issue(string parentCode)
    {
        int next = _maxSerial.GetValueOrDefault(parentCode) + 1;
        var code = parentCode + ReadingOrder.Serial(next);
        _maxSerial[parentCode] = next;
        return code;
    }

    /// <summary>Records <paramref name="code"/> as current in the new version: it keeps an open
    /// record, or a new one starts with <paramref name="predecessors"/>.</summary>
    public void Current(string code, string level, string? parent, int version, IReadOnlyList<string> predecessors)
    {
        _current.Add(code);
        if (_records.TryGetValue(code, out var existing) && existing.ValidTo is null) return;
        _opened[code] = new CodeRecord(code, level, parent, version, null, predecessors, []);
    }

    /// <summary>The history of <paramref name="version"/>, ordered by code: every code that was
    /// open and is not current is closed at the version before with <paramref name="successors"/>;
    /// with <paramref name="forgetUnissued"/>, a code opened in <paramref name="version"/> itself
    /// and gone again is dropped, as never issued.</summary>
    public IReadOnlyList<CodeRecord> History(int version, Func<CodeRecord, IReadOnlyList<string>> successors, bool forgetUnissued = false)
    {
        var result = new Dictionary<string, CodeRecord>(_records, StringComparer.Ordinal);
        foreach (var (code, record) in _opened) result[code] = record;
        foreach (var (code, record) in result.ToList())
        {
            if (record.ValidTo is not null || _current.Contains(code)) continue;
            var next = successors(record);
            if (forgetUnissued && record.ValidFrom >= version) result.Remove(code);
            else result[code] = record with { ValidTo = version - 1, Successors = next };
        }
        return result.Values.OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
    }

    private void Note(string code)
    {
        if (code.Length < 4 || !int.TryParse(code[^3..], System.Globalization.CultureInfo.InvariantCulture, out var serial)) return;
        var parent = code[..^3];
        if (serial > _maxSerial.GetValueOrDefault(parent)) _maxSerial[parent] = serial;
    }
}
