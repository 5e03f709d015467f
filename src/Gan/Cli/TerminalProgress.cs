using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;
using Scratch.Gan.Models;
using Scratch.Gan.Training;

namespace Scratch.Gan.Cli;

/// <summary>
/// Training's progress bar on a terminal (Spectre.Console): the epoch, a bar, the percentage, and a
/// line of statistics (it/s, ETA, losses). Spectre draws a live display from inside a callback, but the
/// trainer's loop is not ours to wrap; so the display runs on its own thread, waiting until Dispose,
/// while the loop sets the numbers. Lines the trainer logs meanwhile go through <see cref="Log"/>, which
/// prints them above the bar instead of through it. Off a terminal, training reports through
/// <see cref="PlainProgress"/> instead.
/// </summary>
internal sealed class TerminalProgress : ITrainingObserver
{
    readonly IAnsiConsole _console = Terminal.Ansi();
    readonly ManualResetEventSlim _finished = new();
    readonly ProgressClock _clock = new();
    Thread? _thread;
    ProgressTask? _task;
    volatile string _stats = "";
    TimeSpan _lastDraw;

    public TextWriter Log { get; }

    public TerminalProgress() { Log = new LineWriter(_console); }

    public void Started(int epochs, int perEpoch, long startIteration)
    {
        _clock.Start(epochs, perEpoch);
        Start($"epoch {startIteration / perEpoch + 1}/{epochs}", (double)epochs * perEpoch, startIteration);
    }

    public void Step(int epoch, int batch, StepLosses l)
    {
        var (rate, eta, now) = _clock.Tick(epoch, batch);
        if ((now - _lastDraw).TotalMilliseconds < 100 && batch != _clock.PerEpoch) return;
        _lastDraw = now;
        Update($"epoch {epoch + 1}/{_clock.Epochs}", (double)epoch * _clock.PerEpoch + batch,
            $"{rate:F1} it/s  ETA {eta:hh\\:mm\\:ss}  {ProgressClock.Losses(l).Replace("  ", " ")}");
    }

    public void EpochDone(int epoch, TimeSpan took, StepLosses l) => Log.WriteLine(_clock.EpochLine(epoch, took, l));

    void Start(string description, double total, double done)
    {
        using var started = new ManualResetEventSlim();
        _thread = new Thread(() =>
        {
            try
            {
                _console.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new StatsColumn(this))
                    .Start(ctx =>
                    {
                        _task = ctx.AddTask(Markup.Escape(description), maxValue: total);
                        _task.Value = done;
                        started.Set();
                        _finished.Wait();
                        ctx.Refresh();   // the last numbers stay on screen
                    });
            }
            finally { started.Set(); }   // a display that cannot start must not hang training
        }) { IsBackground = true, Name = "progress bar" };
        _thread.Start();
        started.Wait();
    }

    void Update(string description, double value, string stats)
    {
        if (_task == null) return;
        _task.Description = Markup.Escape(description);
        _task.Value = value;
        _stats = stats;
    }

    public void Dispose()
    {
        _finished.Set();
        _thread?.Join();
        _finished.Dispose();
    }

    /// <summary>The it/s, ETA and losses after the bar, as plain text.</summary>
    sealed class StatsColumn(TerminalProgress owner) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            // One line, cut at the terminal's edge: a wrapped line would make the bar jump.
            // What the other columns take: description, bar (20), percentage (4), and the gaps.
            int room = Math.Max(8, options.ConsoleSize.Width - task.Description.Length - 28);
            var s = owner._stats;
            return new Text(s.Length <= room ? s : s[..(room - 1)] + "…");
        }
    }

    /// <summary>A TextWriter whose lines Spectre prints above its live display.</summary>
    sealed class LineWriter(IAnsiConsole console) : TextWriter
    {
        readonly StringBuilder _line = new();
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char c)
        {
            if (c == '\n') { console.WriteLine(_line.ToString().TrimEnd('\r')); _line.Clear(); }
            else _line.Append(c);
        }
    }
}
