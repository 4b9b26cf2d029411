using System.Text.Json;
using GridSpatial.Partitioner.Files;
using GridSpatial.Partitioner.Files.Sources;
using GridSpatial.Partitioner.Inputs;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace GridSpatial.GeoApi.Infrastructure;

/// <summary>Turns expected failures into RFC 7807 problem details: bad input (naming the
/// feature and field) → 400, a file of no import format → 415, unique violations → 409, a database that is busy, restarting or
/// unreachable (<see cref="TransientFaults"/>, however deeply wrapped) → 503 with Retry-After.
/// Anything else is a 500 with no stack trace.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, NpgsqlDataSource db, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested) return true;
        var (status, title, detail, extensions) = exception switch
        {
            //-- Coordinates that do not fit the declared CRS say so in the title: the fix is another crs=.
            InputException { Field: "crs" } e => (400, "坐标与坐标系不符 (Coordinates do not fit the CRS)", e.Message, InputExtensions(e)),
            InputException e => (400, "Invalid input", e.Message, InputExtensions(e)),
            //-- A CRS the file declares and the registry does not know is not a misfit of coordinates: its own title.
            DeclaredCrsException e => (400, $"文件声明的坐标系未知（{e.Declaration}）(Unknown CRS in {e.Declaration})", e.Message,
                new() { ["layer"] = e.Layer, ["field"] = "crs" }),
            UnsupportedFormatException e => (415, "不支持的文件格式 (Unsupported media type)", e.Message, new() { ["field"] = "$" }),
            ApiException e => (e.Status, e.Title, e.Message, e.Extensions),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message, null),
            JsonException e => (400, "Malformed JSON", e.Message, null),
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } e => (409, "Conflict", e.MessageText, null),
            PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } e => (409, "Conflict", e.MessageText, null),
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => (503, "Query timed out", "The database did not answer in time.", null),
            _ when TransientFaults.IsTransient(exception) => (503, "Database unavailable", "The database is not reachable right now; nothing was changed by this request unless it says so. Retry shortly.", null),
            _ => (500, "Internal error", "The request failed; the error has been logged.", (Dictionary<string, object?>?)null),
        };
        if (status == 503)
        {
            //-- Every idle connection may be as dead as this one's: drop them at once.
            db.Clear();
            http.Response.Headers.RetryAfter = TransientFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            logger.LogWarning("Request {Method} {Path}: database unavailable ({Message})", http.Request.Method, http.Request.Path, exception.Message);
        }
        else if (status >= 500) logger.LogError(exception, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail, Instance = http.Request.Path };
        if (extensions is not null) foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static Dictionary<string, object?> InputExtensions(InputException e) => new()
    {
        ["layer"] = e.Layer,
        ["featureIndex"] = e.Index,
        ["featureId"] = e.FeatureId,
        ["field"] = e.Field,
    };
}

/// <summary>An expected outcome that is not a success, with its HTTP status.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string title, string detail, Dictionary<string, object?>? extensions = null) : base(detail)
    {
        Status = status;
        Title = title;
        Extensions = extensions;
    }

    public ApiException() : this(500, "Error", "") { }
    public ApiException(string message) : this(500, "Error", message) { }
    public ApiException(string message, Exception inner) : base(message, inner) { Title = "Error"; Status = 500; }

    public int Status { get; }
    public string Title { get; }
    public Dictionary<string, object?>? Extensions { get; }

    public static ApiException NotFound(string what) => new(404, "Not found", what);
}
