namespace Scratch.Tensors.Cpu;

/// <summary>
/// The CPU backend's threads: CpuInfo.Threads − 1 persistent workers plus the calling thread.
/// Run(parts, body) calls body(0..parts−1) once each, body(0) on the caller, and returns when all are
/// done. Compared with Parallel.For this skips task scheduling (a training step makes ~1,000 of
/// these calls), and workers spin briefly before sleeping so back-to-back calls start at once.
/// Part i always does the same slice of work, so results never depend on timing.
/// </summary>
internal static class ForkJoin
{
    sealed class Worker
    {
        readonly SemaphoreSlim _go = new(0);
        readonly ManualResetEventSlim _done = new(true);
        Action<int>? _body;
        int _part;
        Exception? _error;

        public Worker(int id)
        {
            var t = new Thread(Loop) { IsBackground = true, Name = $"scratch-cpu-{id}" };
            t.Start();
        }

        public void Start(Action<int> body, int part)
        {
            _body = body; _part = part; _error = null;
            _done.Reset();
            _go.Release();
        }

        public void Wait()
        {
            _done.Wait();
            if (_error != null) throw new AggregateException(_error);
        }

        void Loop()
        {
            _inWorker = true;
            while (true)
            {
                _go.Wait();
                try { _body!(_part); }
                catch (Exception e) { _error = e; }
                _done.Set();
            }
        }
    }

    static readonly Worker[] _workers = Enumerable.Range(1, Math.Max(0, CpuInfo.Threads - 1)).Select(i => new Worker(i)).ToArray();
    [ThreadStatic] static bool _inWorker;
    static readonly object _gate = new();

    public static void Run(int parts, Action<int> body)
    {
        parts = Math.Min(parts, _workers.Length + 1);
        // Nested calls, and calls from several user threads at once, run on the calling thread.
        if (parts <= 1 || _inWorker || !Monitor.TryEnter(_gate))
        {
            for (int p = 0; p < parts; p++) body(p);
            return;
        }
        try
        {
            for (int w = 0; w < parts - 1; w++) _workers[w].Start(body, w + 1);
            body(0);
            for (int w = 0; w < parts - 1; w++) _workers[w].Wait();
        }
        finally { Monitor.Exit(_gate); }
    }
}
