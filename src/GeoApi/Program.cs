using GridSpatial.GeoApi.Cli;

//-- No command (nothing, or ASP.NET's own arguments such as --urls) is serve, as it always was.
if (args.Length == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] != "--help"))
    args = ["serve", .. args];
return await CliHost.RunAsync(args);
