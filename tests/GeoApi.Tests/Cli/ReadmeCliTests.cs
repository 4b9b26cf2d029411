using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GridSpatial.GeoApi.Cli;

namespace GridSpatial.GeoApi.Tests.Cli;

/// <summary>The README's CLI table is the command line's contract: every command line it shows
/// (the table, inline <c>scripts/gridspatial …</c> and code blocks) is one the executable's
/// generated help knows, with every option it names; every command and option the executable
/// defines is in the table. No database.</summary>
public partial class ReadmeCliTests
{
    public static TheoryData<string> ReadmeCommands() => [.. ReadmeLines().Select(l => Path(l)).Distinct()];

    [SkippableTheory]
    [MemberData(nameof(ReadmeCommands))]
    public async Task Help_OfEachReadmeCommand_ExitsZeroAndNamesEveryOptionTheReadmeShows(string command)
    {
        Skip.If(!File.Exists(ApiProcess.Dll), "the Release build of GeoApi is not there (scripts/test.sh builds it)");
        var (exit, help) = await Run([.. command.Split(' '), "--help"]);
        Assert.True(exit == 0, $"{command} --help exited {exit}:\n{help}");
        Assert.Contains($"gridspatial {command}", help, StringComparison.Ordinal);
        var options = ReadmeLines().Where(l => Path(l) == command).SelectMany(Options).Distinct();
        Assert.All(options, o => Assert.True(Names(help, o), $"README: {command} {o}; help:\n{help}"));
    }

    [Fact]
    public void Root_EveryCommand_IsARowOfTheReadmeTable()
    {
        var table = TableLines().Select(Path).ToHashSet(StringComparer.Ordinal);
        //-- A group that only holds subcommands (keys) is in the table through them.
        var runnable = Commands(CliHost.Root()).Where(c => c.Command.Action is not null || c.Command.Subcommands.Count == 0);
        Assert.All(runnable, c => Assert.Contains(c.Path, table));
    }

    [Fact]
    public void Root_EveryOption_IsInItsCommandsReadmeRow()
    {
        var table = TableLines().ToList();
        foreach (var (path, command) in Commands(CliHost.Root()))
        {
            var shown = table.Where(l => Path(l) == path).SelectMany(Options).ToHashSet(StringComparer.Ordinal);
            foreach (var o in command.Options.Where(o => o is not System.CommandLine.Help.HelpOption))
                Assert.True(shown.Contains(o.Name), $"{path} {o.Name} is missing from the README's CLI table");
        }
    }

    private static Task<(int ExitCode, string Output)> Run(string[] args) => ApiProcess.RunAsync(args);

    private static bool Names(string help, string option) =>
        Regex.IsMatch(help, $@"(?<![\w-]){Regex.Escape(option)}(?![\w-])");

    /// <summary>Every command below the root with its path (<c>bench lookup</c>).</summary>
    private static IEnumerable<(string Path, Command Command)> Commands(Command parent, string prefix = "")
    {
        foreach (var c in parent.Subcommands)
        {
            var path = prefix + c.Name;
            yield return (path, c);
            foreach (var sub in Commands(c, path + " ")) yield return sub;
        }
    }

    /// <summary>The command words a line starts with (<c>keys revoke ID</c>: <c>keys revoke</c>).</summary>
    private static string Path(string line) =>
        string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => CommandWord().IsMatch(w)));

    private static IEnumerable<string> Options(string line) => OptionName().Matches(line).Select(m => m.Value);

    private static string[] Readme() => File.ReadAllLines(System.IO.Path.Combine(Samples.Root(), "README.md"));

    /// <summary>The command lines of the CLI table's first column (<c>import --dir DIR</c> · …).</summary>
    private static IEnumerable<string> TableLines()
    {
        var lines = Readme().SkipWhile(l => !l.StartsWith("## Command line", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith('#'));
        foreach (var row in lines.Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var first = FirstCell().Match(row).Groups[1].Value;
            foreach (Match span in CodeSpan().Matches(first))
            {
                var line = span.Groups[1].Value.Replace("\\|", "|", StringComparison.Ordinal);
                if (CommandWord().IsMatch(line.Split(' ')[0])) yield return line;
            }
        }
    }

    /// <summary>The table's lines, and every <c>scripts/gridspatial …</c> of the text and its code blocks.</summary>
    private static IEnumerable<string> ReadmeLines() => TableLines().Concat(Readme().SelectMany(l =>
        l.TrimStart().StartsWith("scripts/gridspatial ", StringComparison.Ordinal)
            ? [l.TrimStart()["scripts/gridspatial ".Length..]]
            : Invocation().Matches(l).Select(m => m.Groups[1].Value)));

    [GeneratedRegex(@"^[a-z][a-z-]*$")]
    private static partial Regex CommandWord();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"^\|((?:[^|\\]|\\.)*)\|")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"`scripts/gridspatial ([^`]+)`")]
    private static partial Regex Invocation();
}
