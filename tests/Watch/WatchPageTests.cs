using System.Diagnostics;
using PuppeteerSharp;
using Scratch.Gan.Watch;
using Xunit;
using Xunit.Abstractions;
using static Scratch.Tests.Watch.WatchRuns;

namespace Scratch.Tests.Watch;

/// <summary>
/// `scratch watch`'s page as a person uses it, in a real headless Chromium: the machine's own
/// (Debian's `chromium`, which .ci/run installs in CI), driven by PuppeteerSharp over the DevTools
/// protocol. No browser is downloaded: without one the test is skipped and says so.
/// </summary>
[Collection("serial")]
public class WatchPageTests(ITestOutputHelper output)
{
    /// <summary>$SCRATCH_CHROMIUM, else the usual places a distribution puts Chromium or Chrome.</summary>
    static string? Chromium() =>
        new[] { Environment.GetEnvironmentVariable("SCRATCH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public sealed class ChromiumFactAttribute : FactAttribute
    {
        public ChromiumFactAttribute([System.Runtime.CompilerServices.CallerMemberName] string test = "")
        {
            if (Chromium() == null)
                Skipping.Because(this, test, "no Chromium at /usr/bin/chromium or $SCRATCH_CHROMIUM (apt-get install chromium; .ci/run installs it)");
        }
    }

    static Task<IBrowser> Launch() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = Chromium(),
        Headless = true,
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        Timeout = 60_000,
    });

    /// <summary>The text of every element a CSS selector finds, in document order.</summary>
    static Task<string[]> Texts(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string[]>("s => [...document.querySelectorAll(s)].map(e => e.textContent)", selector);

    static Task<string> Text(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent", selector);

    /// <summary>Moves a slider as a hand would: sets its value and fires the input event the page listens to.</summary>
    static Task Slide(IPage page, string selector, int value) =>
        page.EvaluateFunctionAsync("(s, v) => { const e = document.querySelector(s); e.value = v; e.dispatchEvent(new Event('input')); }",
            selector, value);

    [ChromiumFact]
    public async Task The_page_overlays_every_run_per_tag_and_shows_a_new_record_and_the_grids()
    {
        var root = Tmp();
        using var live = Run(Path.Combine(root, "run-a"), 30, gridsAsEvents: true);
        using (Run(Path.Combine(root, "run-b"), 20, gridsAsEvents: false, offset: 0.5)) { }
        File.WriteAllText(Path.Combine(root, "run-b", "warnings.txt"), "120\td-too-strong\tD loss < 1e-3 for 200 iterations\tlower D's lr\n");
        File.WriteAllText(Path.Combine(root, "run-a", "eval.json"), EvalJson(7.123));
        Directory.CreateDirectory(Path.Combine(root, "run-a", "traverse"));   // where `scratch traverse --out RUN/traverse` puts InfoGAN's pictures
        File.WriteAllBytes(Path.Combine(root, "run-a", "traverse", "categorical.png"), Png(200));
        File.WriteAllText(Path.Combine(root, "run-b", "eval.json"), "{ \"checkpoint\": ");   // cut off mid-write by hand
        Directory.CreateDirectory(Path.Combine(root, "broken"));
        File.WriteAllBytes(Path.Combine(root, "broken", "events.out.tfevents.1.host.1"), [.. Enumerable.Repeat((byte)0x5A, 64)]);
        var before = Snapshot(root);

        await using var server = await WatchServer.StartAsync(root, 0);
        await using var browser = await Launch();
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e.Message);
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add(e.Message.Text); };
        await page.GoToAsync(server.Url.ToString());
        var wait = new WaitForFunctionOptions { Timeout = 20_000, PollingInterval = 100 };

        // One chart per scalar tag, each with both runs' curves.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.chart').length === 2", wait);
        Assert.Equal(["loss/d", "loss/g"], await Texts(page, ".chart h3"));
        Assert.Equal(["run-a", "run-b"], await page.EvaluateExpressionAsync<string[]>("charts.get('loss/d').plot.series.slice(1).map(s => s.label)"));

        // The legend names every run (the broken one with its error) and switches a run off in every chart.
        Assert.Equal(["broken", "run-a", "run-b"], await Texts(page, ".run .run-name"));
        Assert.Contains("damaged", await Text(page, ".run[data-run='broken'] .run-error"));
        await page.ClickAsync(".run[data-run=\"run-b\"] input");
        var shown = await page.EvaluateExpressionAsync<bool[]>("[...charts.values()].map(c => c.plot.series[2].show)");
        Assert.Equal(new[] { false, false }, shown);
        Assert.True(await page.EvaluateExpressionAsync<bool>("charts.get('loss/g').plot.series[1].show"));

        // A record appended while the page is open appears without a reload.
        var clock = Stopwatch.StartNew();
        live.Scalars(31, ("loss/d", 0.25), ("loss/g", 1.75));
        live.Flush();
        await page.WaitForFunctionAsync("() => charts.get('loss/d').plot.data[0].includes(31)", wait);
        output.WriteLine($"a new record showed on the page {clock.ElapsedMilliseconds} ms after it was written");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");

        // The grids load: run-a's from its event file, run-b's from fixed/epoch-NNN.png; the slider steps through epochs.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.gallery img')].every(i => i.complete && i.naturalWidth > 0)", wait);
        Assert.Equal(3, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('.gallery img').length"));   // two grids and the traversal
        Assert.Contains("categorical.png", await Text(page, ".gallery.traversal figcaption"));
        Assert.Equal(56, await page.EvaluateExpressionAsync<int>("document.querySelector('.gallery[data-run=\"run-b\"] img').naturalWidth"));
        await Slide(page, ".gallery[data-run='run-b'] input", 0);
        var src = await page.EvaluateFunctionAsync<string>("s => document.querySelector(s).src", ".gallery[data-run='run-b'] img");
        Assert.EndsWith("epoch-001.png", src);
        Assert.Equal("epoch 1", await Text(page, ".gallery[data-run='run-b'] .step"));

        // The eval numbers as a table: one row per run (an unreadable eval.json says so), then the real digits' row.
        Assert.Equal(["run", "inception score", "classes covered (>= 2 %)"],
            (await Texts(page, "#eval tr:first-child th")).Take(3));
        Assert.Equal(["run-a", "7.123", "10/10"], (await Texts(page, "#eval tr[data-run='run-a'] td")).Take(3));
        Assert.Contains("eval.json cannot be read", await Text(page, "#eval tr[data-run='run-b']"));
        Assert.Equal("9.590", await page.EvaluateExpressionAsync<string>("document.querySelector('#eval tr.reference td:nth-child(2)').textContent"));

        // The smoothing slider redraws every curve; warnings.txt is shown.
        await Slide(page, "#smoothing", 0);
        Assert.Equal(1.0, await page.EvaluateExpressionAsync<double>("charts.get('loss/d').plot.data[1][0]"), 5);   // run-a's step 1, unsmoothed
        Assert.Contains("d-too-strong", await Text(page, "#warnings"));

        Assert.Empty(errors);
        var after = Snapshot(root);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());                                        // the page made no file…
        // …and changed none (but the event file the test appended to).
        Assert.All(before.Where(f => f.Key != live.Path), f => Assert.Equal(f.Value, after[f.Key]));
    }
}
