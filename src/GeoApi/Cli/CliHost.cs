using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using GridSpatial.Partitioner.Inputs;

namespace GridSpatial.GeoApi.Cli;

/// <summary><c>scripts/gridspatial &lt;command&gt;</c>: the command-line entry point. Every command
/// and option is defined once, by its command (<see cref="Root"/>); help is generated from those
/// definitions, so help and README cannot drift (ReadmeCliTests checks the README against it).
/// Exit codes: 0 done, 1 an error in the input or the service's answer (<c>error: …</c>), 2 a
/// command line the command cannot act on (the message, then the command's help).</summary>
public static class CliHost
{
    /// <summary>Exceptions reach <see cref="RunAsync"/>; signals are left to each command (the
    /// hosts of serve and worker stop gracefully on their own).</summary>
    internal static InvocationConfiguration Invocation { get; } = new() { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };

    //-- No @response files: serve and worker hand their arguments to ASP.NET untouched.
    private static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    /// <summary>Every command, as the README's CLI table lists them.</summary>
    public static Command Root()
    {
        var root = new Command("gridspatial", "Partitions Chinese townships into grids and micro-grids; serves them.")
        {
            Options = { new HelpOption() },
            Subcommands =
            {
                ServeCommand.Create(), WorkerCommand.Create(), PartitionCommand.Create(), PartitionAllCommand.Create(),
                ImportCommand.Create(), ExportCommand.Create(), RecomputeCommand.Create(), CompactCommand.Create(), GenerateCommand.Create(), BenchCommand.Create(), KeysCommand.Create(),
            },
        };
        var topic = new Argument<string[]>("command") { Description = "the command to explain (e.g. bench lookup)", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "this help, or a command's (same as <command> --help)") { topic };
        help.SetAction(p => Parse(root, [.. p.GetValue(topic) ?? [], "--help"]).Invoke(Invocation));
        root.Subcommands.Add(help);
        //-- Only reached with options and no command (Program turns nothing at all into serve); an action
        // here keeps "Unrecognized command 'x'" the only error of a mistyped command.
        root.SetAction(int (_) => throw new UsageException("Name a command."));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Root();
        var parsed = Parse(root, args);
        try
        {
            if (parsed.Errors.Count > 0) return Usage(root, parsed, parsed.Errors.Select(e => e.Message));
            return await parsed.InvokeAsync(Invocation);
        }
        catch (UsageException e)
        {
            return Usage(root, parsed, [e.Message]);
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Layer}{(e.Index is { } i ? $"[{i}]" : "")}{(e.FeatureId is { } id ? $" '{id}'" : "")} {e.Field}: {e.Message}");
            return 1;
        }
        catch (Partitioner.Files.DeclaredCrsException e)
        {
            Console.Error.WriteLine($"error: {e.Layer} crs: {e.Message}");
            return 1;
        }
        catch (Partitioner.Files.Sources.UnsupportedFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Infrastructure.ApiException e)
        {
            Console.Error.WriteLine($"error: {e.Title}: {e.Message}");
            return 1;
        }
    }

    private static ParseResult Parse(Command root, IReadOnlyList<string> args) => root.Parse(args, Parser);

    /// <summary>The errors, then the help of the command they concern, on standard error; exit code 2.</summary>
    private static int Usage(Command root, ParseResult parsed, IEnumerable<string> errors)
    {
        foreach (var e in errors) Console.Error.WriteLine($"error: {e}");
        var path = new List<string>();
        for (var c = parsed.CommandResult; c.Parent is CommandResult parent; c = parent) path.Insert(0, c.Command.Name);
        Parse(root, [.. path, "--help"]).Invoke(new InvocationConfiguration { Output = Console.Error });
        return 2;
    }
}
