using GridSpatial.GeoApi;
using GridSpatial.GeoApi.Cli;

if (args.Length > 0 && args[0] != "serve" && !args[0].StartsWith("--", StringComparison.Ordinal))
    return await CliHost.RunAsync(args);

var app = ApiHost.Build(args.Length > 0 && args[0] == "serve" ? args[1..] : args);
await app.RunAsync();
return 0;
