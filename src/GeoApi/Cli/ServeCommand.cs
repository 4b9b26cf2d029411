using System.CommandLine;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>serve</c>: the API, also what runs with no command. Every other argument is
/// ASP.NET's own (<c>--urls URL</c>, <c>--Section:Key=Value</c> configuration overrides) and
/// reaches the host untouched.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "run the API (the default: no command, or only ASP.NET's arguments); " +
            "ASP.NET's own arguments (--urls URL, --Section:Key=Value) pass through")
        { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async p =>
        {
            await ApiHost.Build([.. p.UnmatchedTokens]).RunAsync();
            return 0;
        });
        return command;
    }
}
