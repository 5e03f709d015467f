using System.CommandLine;
using Scratch.Gan.Watch;

namespace Scratch.Gan.Cli;

/// <summary>
/// `scratch watch [DIR] [--port N]`: a local page of the runs under DIR — live, finished, another
/// process's, a sweep's — read from their event files (Watch/WatchServer.cs). Runs until Ctrl-C.
/// </summary>
public static class WatchCommand
{
    public const int DefaultPort = 6060;

    static readonly Argument<string> Dir = new("DIR")
    {
        Description = "a run folder, or a folder of runs (sweeps included) [default: runs]",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "runs",
    };
    static readonly Option<int> Port = Opt.Int("--port", "the port on 127.0.0.1 the page is served at (never to other machines)", DefaultPort);

    public static Command Define()
    {
        var command = new Command("watch", "a live page of the runs under DIR: curves of every run overlaid, grids, warnings, eval tables")
        {
            Dir, Port,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult parse)
    {
        var dir = parse.GetValue(Dir)!;
        if (File.Exists(dir)) throw new UsageException($"{dir} is a file; scratch watch takes a run folder or a folder of runs");
        if (!Directory.Exists(dir))
            throw new UsageException($"{dir}: no such folder (train a run first, or name the folder of runs: scratch watch DIR)");
        int port = parse.GetValue(Port);
        if (port > 65535) throw new UsageException($"--port: {port} is not a port (1-65535)");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        return Serve(dir, port, stop.Token).GetAwaiter().GetResult();
    }

    /// <summary>
    /// `scratch train --watch`: the page of the folder that holds the run (so earlier runs beside it are
    /// overlaid too), served while training runs; disposing it stops the page.
    /// </summary>
    public static IDisposable ServeWhileTraining(string runDir, int port)
    {
        if (port > 65535) throw new UsageException($"--watch-port: {port} is not a port (0-65535)");
        var root = Path.GetDirectoryName(Path.GetFullPath(runDir))!;
        Directory.CreateDirectory(root);
        WatchServer server;
        try { server = WatchServer.StartAsync(root, port).GetAwaiter().GetResult(); }
        catch (IOException e) { throw new UsageException("--watch: " + e.Message.Replace("--port", "--watch-port")); }
        Console.WriteLine($"watch the run at {server.Url}   (the page stops with training; `scratch watch {root}` keeps it)");
        return new Stopper(server);
    }

    sealed class Stopper(WatchServer server) : IDisposable
    {
        public void Dispose() => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    static async Task<int> Serve(string dir, int port, CancellationToken stop)
    {
        await using var server = await WatchServer.StartAsync(dir, port);
        server.Catalog.Refresh();
        int runs = server.Catalog.Runs.Count;
        Console.WriteLine(runs == 0
            ? $"no runs in {server.Catalog.Root} yet: the page shows each one as it appears"
            : $"watching {runs} run{(runs == 1 ? "" : "s")} in {server.Catalog.Root}");
        Console.WriteLine($"open {server.Url}   (Ctrl-C stops)");
        try { await server.WaitAsync(stop); }
        catch (OperationCanceledException) { }
        return 0;
    }
}
