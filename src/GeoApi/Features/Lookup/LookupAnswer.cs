using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using System.Text.Json;

namespace GridSpatial.GeoApi.Features.Lookup;

/// <summary>A lookup's answer: built from an index hit, and written as JSON by hand (the batch
/// endpoint writes ten thousand of them, each territory's bytes once, see <see cref="TownshipIndex.Json"/>);
/// the same shape as <see cref="LookupDto"/> serialized by ASP.NET.</summary>
public static class LookupAnswer
{
    private static readonly JsonSerializerOptions ResponsibleOptions = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Utf8JsonWriter w, LookupDto? r)
    {
        if (r is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        w.WriteNumber("version", r.Version);
        WriteNamed(w, "township", r.Township);
        WriteNamed(w, "village", r.Village);
        if (r.Grid is null) w.WriteNull("grid");
        else
        {
            w.WriteStartObject("grid");
            w.WriteString("code", r.Grid.Code);
            w.WriteNumber("householdCount", r.Grid.HouseholdCount);
            w.WriteEndObject();
        }
        if (r.MicroGrid is null) w.WriteNull("microGrid");
        else
        {
            w.WritePropertyName("microGrid");
            WriteMicroGrid(w, r.MicroGrid);
        }
        if (r.FloorRuns is not null)
        {
            w.WriteStartArray("floorRuns");
            foreach (var m in r.FloorRuns) WriteMicroGrid(w, m);
            w.WriteEndArray();
        }
        if (r.Responsible is { } responsible)
        {
            w.WritePropertyName("responsible");
            JsonSerializer.Serialize(w, responsible, ResponsibleOptions);
        }
        w.WriteEndObject();
    }

    private static void WriteNamed(Utf8JsonWriter w, string name, Named? n)
    {
        if (n is null) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteString("code", n.Code);
        w.WriteString("name", n.Name);
        w.WriteEndObject();
    }

    private static void WriteMicroGrid(Utf8JsonWriter w, MicroGridRef m)
    {
        w.WriteStartObject();
        w.WriteString("code", m.Code);
        w.WriteString("kind", m.Kind);
        w.WriteNumber("householdCount", m.HouseholdCount);
        if (m.FloorFrom is { } f) w.WriteNumber("floorFrom", f); else w.WriteNull("floorFrom");
        if (m.FloorTo is { } t) w.WriteNumber("floorTo", t); else w.WriteNull("floorTo");
        if (m.Unit is { } u) w.WriteString("unit", u); else w.WriteNull("unit");
        w.WriteEndObject();
    }

    /// <summary>A GET answer written from cached bytes: the point, then the territory's cached answer
    /// (<see cref="TownshipIndex.Json"/>) and the cached <c>responsible</c> JSON, the same JSON as a
    /// <see cref="LookupDto"/> serialized by ASP.NET (<c>floorRuns</c> null where no floor runs stack).</summary>
    public sealed class CachedAnswer(double lon, double lat, byte[] answer, bool stacked, byte[] responsible) : IResult, IEndpointMetadataProvider
    {
        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LookupDto), ["application/json"]));

        public Task ExecuteAsync(HttpContext http)
        {
            Span<byte> point = stackalloc byte[80];
            int n = Append(point, "{\"lon\":"u8, 0);
            lon.TryFormat(point[n..], out int w, default, CultureInfo.InvariantCulture);
            n = Append(point, ",\"lat\":"u8, n + w);
            lat.TryFormat(point[n..], out w, default, CultureInfo.InvariantCulture);
            n = Append(point, ","u8, n + w);
            var floorRuns = stacked ? ""u8 : ",\"floorRuns\":null"u8;
            var body = answer.AsSpan(1, answer.Length - 2);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.ContentLength = n + body.Length + floorRuns.Length + ",\"responsible\":"u8.Length + responsible.Length + 1;
            var writer = http.Response.BodyWriter;
            writer.Write(point[..n]);
            writer.Write(body);
            writer.Write(floorRuns);
            writer.Write(",\"responsible\":"u8);
            writer.Write(responsible);
            writer.Write("}"u8);
            return writer.FlushAsync(http.RequestAborted).AsTask();
        }

        private static int Append(Span<byte> to, ReadOnlySpan<byte> bytes, int at)
        {
            bytes.CopyTo(to[at..]);
            return at + bytes.Length;
        }
    }

    internal static LookupDto? Dto(double lon, double lat, LookupHit? hit)
    {
        if (hit is null) return null;
        var t = hit.Township;
        var m = hit.MicroGrid;
        var stack = hit.Stack;
        return new LookupDto(lon, lat, t.Version,
            new Named(t.Code, t.Name),
            new Named(m.VillageCode, t.Villages.GetValueOrDefault(m.VillageCode) ?? t.Name),
            new GridRef(m.GridCode, t.Grids.GetValueOrDefault(m.GridCode)),
            Ref(m),
            stack.Count > 1 ? stack.Select(Ref).ToList() : null);
    }

    private static MicroGridRef Ref(MicroGridEntry m) => new(m.Code, m.Kind, m.HouseholdCount, m.FloorFrom, m.FloorTo, m.Unit);

}
