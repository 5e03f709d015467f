using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Scratch.Gan.Watch;
using Xunit;
using static Scratch.Tests.Watch.WatchRuns;

namespace Scratch.Tests.Watch;

/// <summary>`scratch watch`'s server without a browser: what it sends, what it refuses, and its one-line errors.</summary>
[Collection("serial")]
public class WatchServerTests
{
    static (int Code, string Out, string Err) Cli(params string[] args) => Gan.CliTests.Run(args);

    /// <summary>One HTTP request sent byte for byte as written (HttpClient would tidy the path first): status line and body.</summary>
    static async Task<(int Status, string Body)> RawGet(Uri server, string target, string host = "127.0.0.1")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}:{server.Port}\r\nConnection: close\r\n\r\n"));
        var response = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        return (int.Parse(response.Split(' ')[1]), response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    [Fact]
    public async Task Files_outside_the_watched_folder_are_refused_however_the_path_is_written()
    {
        var top = Tmp();
        var root = Path.Combine(top, "runs");
        using (Run(Path.Combine(root, "a"), 10, gridsAsEvents: false)) { }
        File.WriteAllText(Path.Combine(top, "secret.txt"), "TOP SECRET");
        File.CreateSymbolicLink(Path.Combine(root, "a", "link.txt"), Path.Combine(top, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(root, "a", "outside"), top);
        var before = Snapshot(top);

        await using var server = await WatchServer.StartAsync(root, 0);
        var ok = await RawGet(server.Url, "/files/a/fixed/epoch-001.png");
        Assert.Equal(200, ok.Status);

        string[] attacks =
        [
            "/files/../secret.txt", "/files/a/../../secret.txt",                 // plain (Kestrel folds these before routing)
            "/files/..%2Fsecret.txt", "/files/a%2F..%2F..%2Fsecret.txt",         // encoded slash
            "/files/%2E%2E/secret.txt", "/files/%252E%252E%252Fsecret.txt",      // encoded dots, encoded twice
            "/files/" + Uri.EscapeDataString(Path.Combine(top, "secret.txt")),   // absolute, encoded
            "/files//" + Path.Combine(top, "secret.txt").TrimStart('/'),         // absolute
            "/files/..%5Csecret.txt",                                            // backslash
            "/files/a/link.txt", "/files/a/outside/secret.txt",                  // links out of the folder
            "/files/a/events.out.tfevents.1", "/files/a/checkpoints/latest.safetensors",   // kinds of file the page does not show
        ];
        foreach (var attack in attacks)
        {
            var (status, body) = await RawGet(server.Url, attack);
            Assert.True(status is 403 or 404 or 400, $"{attack}: {status}");
            Assert.DoesNotContain("TOP SECRET", body);
        }
        Assert.Equal(403, (await RawGet(server.Url, "/files/..%2Fsecret.txt")).Status);   // refused by the guard, not just not found
        Assert.Contains("outside", (await RawGet(server.Url, "/files/a/link.txt")).Body);
        Assert.Equal(before, Snapshot(top));
    }

    [Theory]
    [InlineData("a/fixed/epoch-001.png", null)]
    [InlineData("a/warnings.txt", null)]
    [InlineData("../x.png", "'..'")]
    [InlineData("a%2F..%2F..%2Fx.png", "'..'")]
    [InlineData("%252e%252e/x.png", "'..'")]
    [InlineData("/etc/x.png", "absolute")]
    [InlineData("%2Fetc%2Fx.png", "absolute")]
    [InlineData("a\\..\\..\\x.png", "backslash")]
    [InlineData("a/config.sh", "not a kind of file")]
    public void The_path_guard_names_why_it_refuses(string requested, string? refusal)
    {
        var (path, _, why) = PathGuard.Resolve("/srv/runs", requested);
        if (refusal == null) { Assert.Null(why); Assert.StartsWith("/srv/runs/", path); }
        else Assert.Contains(refusal, why);
    }

    [Fact]
    public async Task Only_loopback_is_listened_on_and_only_loopback_names_are_answered()
    {
        await using var server = await WatchServer.StartAsync(Tmp(), 0);
        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.Equal(200, (await RawGet(server.Url, "/")).Status);
        Assert.Equal(200, (await RawGet(server.Url, "/", host: "localhost")).Status);
        Assert.Equal(421, (await RawGet(server.Url, "/", host: "attacker.example")).Status);   // DNS rebinding
        var page = (await RawGet(server.Url, "/")).Body;
        Assert.Contains("/static/uPlot.iife.min.js", page);
        Assert.StartsWith("/*! https://github.com/leeoniya/uPlot", (await RawGet(server.Url, "/static/uPlot.iife.min.js")).Body.TrimStart());
    }

    [Fact]
    public void A_damaged_or_cut_off_event_file_is_listed_with_its_error_and_the_other_runs_still_shown()
    {
        var root = Tmp();
        using (Run(Path.Combine(root, "good"), 20, gridsAsEvents: true)) { }
        string damagedFile, cutFile;
        using (var w = Run(Path.Combine(root, "damaged"), 20, gridsAsEvents: false)) damagedFile = w.Path;
        using (var w = Run(Path.Combine(root, "cut"), 20, gridsAsEvents: false)) cutFile = w.Path;
        var bytes = File.ReadAllBytes(damagedFile);
        bytes[bytes.Length / 2] ^= 0xFF;                                   // one flipped byte in a record's middle
        File.WriteAllBytes(damagedFile, bytes);
        var whole = File.ReadAllBytes(cutFile);
        File.WriteAllBytes(cutFile, whole[..(whole.Length - 7)]);          // the last record cut short…
        File.SetLastWriteTimeUtc(cutFile, DateTime.UtcNow.AddMinutes(-1)); // …and left so: not a writer mid-record

        using var message = JsonDocument.Parse(new WatchFeed(new RunCatalog(root)).Next()!);
        var runs = message.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(["cut", "damaged", "good"], runs.Keys.Order());
        Assert.False(runs["good"].GetProperty("parts").TryGetProperty("error", out _));
        Assert.Equal(20, runs["good"].GetProperty("scalars").GetProperty("loss/d").GetProperty("steps").GetArrayLength());
        Assert.Equal(2, runs["good"].GetProperty("parts").GetProperty("galleries")[0].GetProperty("urls").GetArrayLength());
        Assert.Contains("damaged", runs["damaged"].GetProperty("parts").GetProperty("error").GetString());
        // The records before the damage are still read.
        Assert.True(runs["damaged"].GetProperty("scalars").GetProperty("loss/d").GetProperty("steps").GetArrayLength() is > 0 and < 20);
        Assert.Contains("cut off", runs["cut"].GetProperty("parts").GetProperty("error").GetString());
        Assert.Equal(19, runs["cut"].GetProperty("scalars").GetProperty("loss/d").GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public void The_feed_sends_everything_once_then_only_what_is_new()
    {
        var root = Tmp();
        using var live = Run(Path.Combine(root, "live"), 5, gridsAsEvents: false);
        var feed = new WatchFeed(new RunCatalog(root));
        Assert.Contains("\"full\":true", feed.Next());
        Thread.Sleep(300);   // past the catalog's shortest interval between reads
        Assert.Null(feed.Next());
        live.Scalars(6, ("loss/d", 0.5));
        live.Flush();
        Thread.Sleep(300);
        using var next = JsonDocument.Parse(feed.Next()!);
        var run = next.RootElement.GetProperty("runs")[0];
        Assert.False(next.RootElement.GetProperty("full").GetBoolean());
        Assert.Equal([6], run.GetProperty("scalars").GetProperty("loss/d").GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.False(run.GetProperty("scalars").TryGetProperty("loss/g", out _));
        Assert.False(run.TryGetProperty("parts", out _));   // unchanged: not sent again
    }

    [Fact]
    public void An_empty_folder_gives_a_page_with_no_runs_and_a_missing_one_is_one_line()
    {
        using var message = JsonDocument.Parse(new WatchFeed(new RunCatalog(Tmp())).Next()!);
        Assert.Equal(0, message.RootElement.GetProperty("runs").GetArrayLength());
        Gan.CliTests.OneLineFailure(Cli("watch", Path.Combine(Tmp(), "nope")), "no such folder");
        Gan.CliTests.OneLineFailure(Cli("watch", Tmp(), "--port", "70000"), "--port: 70000 is not a port");
    }

    [Fact]
    public void A_port_in_use_is_one_line_naming_it()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            Gan.CliTests.OneLineFailure(Cli("watch", Tmp(), "--port", port.ToString()), $"port {port} on 127.0.0.1 is in use");
        }
        finally { busy.Stop(); }
    }

    [Fact]
    public void Train_with_watch_serves_the_page_of_its_runs_folder_while_it_trains()
    {
        var runs = Tmp();
        var run = Path.Combine(runs, "vanilla");
        var (code, output, err) = Cli("train", "--model", "vanilla", "--batch-size", "8", "--epochs", "1", "--stop-after", "3",
            "--out", run, "--device", "cpu", "--watch", "--watch-port", "0");
        Assert.True(code == 0, err);
        Assert.Matches(@"watch the run at http://127\.0\.0\.1:\d+/", output);
        Assert.Contains($"scratch watch {runs}", output);   // the page watches the folder of runs, not only this one
        Assert.Single(Scratch.Gan.Training.Events.EventFileReader.FilesIn(run));
    }

    [Fact]
    public void Train_with_watch_on_a_port_in_use_is_one_line_and_makes_no_run_folder()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            var run = Path.Combine(Tmp(), "vanilla");
            Gan.CliTests.OneLineFailure(Cli("train", "--model", "vanilla", "--epochs", "1", "--out", run, "--device", "cpu",
                "--watch", "--watch-port", port.ToString()), $"--watch: port {port} on 127.0.0.1 is in use");
            Assert.False(Directory.Exists(run));
        }
        finally { busy.Stop(); }
    }
}
