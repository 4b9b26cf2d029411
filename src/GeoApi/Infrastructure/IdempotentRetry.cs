namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Reads (GET, HEAD) that meet a transient database fault before their response has
/// begun are run again under <see cref="DatabaseRetry"/>, so a restart of PostgreSQL costs the
/// reader a moment rather than an error. Writes are not repeated here: each is one transaction,
/// rolled back by the fault, and answered 503 with Retry-After.</summary>
public static class IdempotentRetry
{
    public static IApplicationBuilder UseIdempotentRetry(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        var retry = http.RequestServices.GetRequiredService<DatabaseRetry>();
        await retry.ExecuteAsync(async _ => await next(http), () => http.Response.HasStarted, http.RequestAborted);
    });
}
