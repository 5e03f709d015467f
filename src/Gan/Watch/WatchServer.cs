using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scratch.Gan.Watch;

/// <summary>
/// `scratch watch`'s web server: Kestrel on 127.0.0.1 only, serving the page (HTML, script and the
/// vendored uPlot, all embedded in the program, so it works offline), a Server-Sent Events stream of
/// the runs' records (/events), the pictures in the event files (/image) and the files of the watched
/// folder the page shows (/files/PATH, through <see cref="PathGuard"/>). Every endpoint only reads.
/// </summary>
public sealed class WatchServer : IAsyncDisposable
{
    /// <summary>How often each open page's feed looks for new records: a new record shows within this plus the browser's drawing.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    readonly WebApplication _app;

    public RunCatalog Catalog { get; }
    /// <summary>The page's address, e.g. http://127.0.0.1:6060/.</summary>
    public Uri Url { get; }

    WatchServer(WebApplication app, RunCatalog catalog, Uri url) { _app = app; Catalog = catalog; Url = url; }

    /// <summary>Starts serving root on 127.0.0.1:port (0: any free port). A port in use is an IOException naming it.</summary>
    public static async Task<WatchServer> StartAsync(string root, int port)
    {
        var catalog = new RunCatalog(root);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Use(OnlyLoopbackHosts);
        app.Use((HttpContext ctx, RequestDelegate next) =>
        {
            ctx.Response.Headers.XContentTypeOptions = "nosniff";   // a .txt from a run folder is never run as a script
            return next(ctx);
        });
        Map(app, catalog);
        try { await app.StartAsync(); }
        catch (IOException e) when (e.InnerException is AddressInUseException)   // Kestrel wraps the bind failure
        {
            await app.DisposeAsync();
            throw new IOException($"port {port} on 127.0.0.1 is in use (another scratch watch or TensorBoard?); choose another with --port N");
        }
        var address = app.Urls.First();
        return new WatchServer(app, catalog, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>Waits until the server stops (Ctrl-C, or <paramref name="stop"/>).</summary>
    public Task WaitAsync(CancellationToken stop) => _app.WaitForShutdownAsync(stop);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Answers only requests addressed to 127.0.0.1 or localhost: a web page elsewhere cannot read the runs
    /// by pointing a name of its own at this machine's loopback (DNS rebinding).
    /// </summary>
    static Task OnlyLoopbackHosts(HttpContext ctx, RequestDelegate next)
    {
        var host = ctx.Request.Host.Host;
        if (host is "127.0.0.1" or "localhost") return next(ctx);
        ctx.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        return ctx.Response.WriteAsync("scratch watch answers only http://127.0.0.1\n");
    }

    static void Map(WebApplication app, RunCatalog catalog)
    {
        app.MapGet("/", () => Resource("index.html", "text/html; charset=utf-8"));
        app.MapGet("/static/{name}", (string name) => name switch
        {
            "watch.js" or "uPlot.iife.min.js" => Resource(name, "text/javascript; charset=utf-8"),
            "watch.css" or "uPlot.min.css" => Resource(name, "text/css; charset=utf-8"),
            "uPlot.LICENSE" => Resource("LICENSE", "text/plain; charset=utf-8"),
            _ => Results.NotFound(),
        });
        app.MapGet("/events", (HttpContext ctx) => Stream(ctx, catalog));
        app.MapGet("/image", (string run, string tag, int index) =>
        {
            lock (catalog.Lock)
            {
                var log = catalog.Find(run);
                if (log == null || !log.Images.TryGetValue(tag, out var pictures) || index < 0 || index >= pictures.Count) return Results.NotFound();
                return Results.Bytes(pictures[index].Png, "image/png");
            }
        });
        // The raw path, not the route's decoded value: PathGuard must see every encoding a request used.
        app.MapGet("/files/{**path}", (HttpContext ctx) =>
        {
            var requested = ctx.Request.Path.Value!["/files/".Length..];
            var (path, contentType, refusal) = PathGuard.Resolve(catalog.Root, requested);
            if (refusal != null) return Results.Text($"refused: {refusal}\n", statusCode: StatusCodes.Status403Forbidden);
            return File.Exists(path) ? Results.File(path!, contentType) : Results.NotFound();
        });
    }

    /// <summary>The Server-Sent Events stream: the page's first message holds everything, then only what is new.</summary>
    static async Task Stream(HttpContext ctx, RunCatalog catalog)
    {
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-store";
        var feed = new WatchFeed(catalog);
        var stop = ctx.RequestAborted;
        var quietSince = DateTime.UtcNow;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var message = feed.Next();
                if (message != null || DateTime.UtcNow - quietSince > KeepAlive)
                {
                    // A comment line keeps proxies and the browser from closing a quiet stream.
                    await ctx.Response.WriteAsync(message != null ? $"data: {message}\n\n" : ": still watching\n\n", stop);
                    await ctx.Response.Body.FlushAsync(stop);
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(PollInterval, stop);
            }
        }
        catch (OperationCanceledException) { }   // the page was closed
    }

    static IResult Resource(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("watch/" + name)
            ?? throw new InvalidOperationException($"the page's {name} is missing from the program");
        return Results.Stream(stream, contentType);
    }
}
