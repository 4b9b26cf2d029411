using System.Security.Cryptography;
using System.Text;

namespace GridSpatial.GeoApi.Features.Subscriptions;

/// <summary>How a receiver knows a notification is ours and fresh: header
/// <c>X-GridSpatial-Signature: sha256=HEX</c>, the HMAC-SHA256 with the subscription's secret of
/// <c>{X-GridSpatial-Timestamp}.{body}</c> (Unix seconds, a dot, the exact bytes of the body).</summary>
public static class WebhookSignature
{
    public const string Header = "X-GridSpatial-Signature", TimestampHeader = "X-GridSpatial-Timestamp",
        EventHeader = "X-GridSpatial-Event", DeliveryHeader = "X-GridSpatial-Delivery";

    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
