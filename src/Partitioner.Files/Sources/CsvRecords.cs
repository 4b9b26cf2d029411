using System.Runtime.CompilerServices;
using System.Text;

namespace GridSpatial.Partitioner.Files.Sources;

/// <summary>Reads RFC 4180 CSV one record at a time (quoted fields, doubled quotes, line breaks
/// inside quotes; a comma, semicolon or tab delimiter, taken from the header line), holding one
/// record in memory.</summary>
internal static class CsvRecords
{
    public static async IAsyncEnumerable<List<string>> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        char delimiter = '\0';
        var field = new StringBuilder();
        var record = new List<string>();
        bool quoted = false, any = false;
        var buffer = new char[1 << 14];
        int n;
        char previous = '\0';
        while ((n = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                char c = buffer[i];
                if (quoted)
                {
                    if (c == '"') quoted = false;
                    else field.Append(c);
                }
                else if (c == '"')
                {
                    //-- A quote right after a closing quote is an escaped quote.
                    if (previous == '"' && any) field.Append('"');
                    quoted = true;
                    any = true;
                }
                else if (c == '\n' || c == '\r')
                {
                    if (c == '\n' && previous == '\r') { previous = c; continue; }
                    if (any || field.Length > 0 || record.Count > 0)
                    {
                        record.Add(field.ToString());
                        field.Clear();
                        if (record.Count > 1 || record[0].Length > 0) yield return record;
                        record = [];
                    }
                    any = false;
                }
                else
                {
                    if (delimiter == '\0' && c is ',' or ';' or '\t') delimiter = c;
                    if (c == delimiter)
                    {
                        record.Add(field.ToString());
                        field.Clear();
                        any = false;
                    }
                    else
                    {
                        field.Append(c);
                        any = true;
                    }
                }
                previous = c;
            }
        }
        if (any || field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
