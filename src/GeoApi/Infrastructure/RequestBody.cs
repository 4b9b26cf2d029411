using System.Text.Json;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>A small JSON request body (a household, a lookup batch) read whole: at most 64
/// levels deep, every string storable (<see cref="StorableText"/>); malformed JSON or unstorable
/// text is an <see cref="InputException"/> naming the layer and field, answered 400. Imports,
/// whose bodies may be large, stream feature by feature instead (Features/Import/FeatureReader).</summary>
public static class RequestBody
{
    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, string layer, CancellationToken ct)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 64 }, ct);
            if (StorableText.FirstUnstorable(doc.RootElement, "$") is { } bad)
            {
                doc.Dispose();
                throw new InputException(layer, 0, null, bad, $"'{bad}' is not storable text (a NUL character, a lone surrogate or invalid UTF-8).");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new InputException(layer, null, null, "$", $"The body is not valid JSON: {e.Message}");
        }
    }
}
