using Scratch.Gan.Cli;
using Scratch.Tensors;

namespace Scratch.Gan;

/// <summary>The `scratch` command: one verb per job; every user mistake is one line on stderr and exit code 2.</summary>
public static class Program
{
    const string Usage = """
        usage: scratch <command> [options]
          train [--model M] [--loss L] [--epochs N] [--batch-size N] [--lr X | --lr-d X --lr-g X]
                [--beta1 X] [--beta2 X] [--n-critic N] [--clip X] [--gp-lambda X] [--noise-dim N]
                [--noise uniform|normal] [--image-size N] [--optimizer adam|rmsprop] [--data DIR]
                [--device D] [--seed N] [--out DIR] [--sample-every N] [--checkpoint-every N]
                [--resume RUN_DIR] [--channels 1|3] [--eval-every N] [--eval-n N]
                --data: an IDX folder (t10k files, if any, are held out for eval) or a folder of .png/.jpg pictures
                models: vanilla lsgan dcgan dcgan64 wgan wgan-gp infogan (64×64: dcgan64, and
                        wgan / wgan-gp with --image-size 64; only these take --channels 3)
                losses: nonsaturating minimax lsgan wgan wgan-gp
          sample --checkpoint FILE [--n N] [--format png|idx] [--out FILE] [--seed N]
          interpolate --checkpoint FILE [--pairs N] [--steps N] [--out FILE]
          traverse --checkpoint FILE [--columns N] [--out DIR]      (InfoGAN)
          eval --checkpoint FILE [--n 10000] [--seed N] [--json] [--out FILE] [--classifier FILE] [--data DIR]
                                       IS, class histogram, Fréchet distance, KID, precision/recall (docs/evaluation.md)
          classifier train [--data DIR] [--out FILE] [--epochs N] [--seed N]
                                       the MNIST classifier that eval judges with (one ships in the program)
          sweep --model M --grid "OPT=V1,V2 OPT=V1,V2" [--epochs N] [--jobs N] [--n N] [--out DIR] [--emit slurm]
          sweep --aggregate DIR        train + eval each grid point; sweep.md, sweep.csv, contact-sheet.png
          devices                      list backends and devices, and why any is unavailable
          bench WORKLOAD [--iters N] [--warmup N] [--device D] [--estimate h100,a100,rtx4090,t4|all]
                                       time gemm | vanilla-step | dcgan-step | wgan-gp-step | sample-1k | dcgan64-step
        devices: auto | cpu | cuda | opencl | ilgpu-cpu (or the SCRATCH_DEVICE variable)
        """;

    public static int Main(string[] argv)
    {
        try
        {
            var args = new Args(argv);
            var verb = args.Positional.FirstOrDefault();
            switch (verb)
            {
                case null or "help":
                    if (args.Flag("help") || verb == "help" || argv.Length == 0) { Console.WriteLine(Usage); return verb == null && argv.Length == 0 ? 2 : 0; }
                    throw new UsageException("no command given (try: scratch help)");
                case "devices": args.Done(1); return Devices();
                case "bench": return Bench.Run(args);
                case "train": return TrainCommand.Run(args);
                case "sample": return SampleCommands.Sample(args);
                case "interpolate": return SampleCommands.Interpolate(args);
                case "traverse": return SampleCommands.Traverse(args);
                case "classifier": return Evaluation.ClassifierCommand.Run(args);
                case "eval": return Evaluation.EvalCommand.Run(args);
                case "sweep": return Evaluation.Sweep.SweepCommand.Run(args);
                default: throw new UsageException($"unknown command '{verb}' (try: scratch help)");
            }
        }
        catch (UsageException e) { return Fail(e.Message, 2); }
        catch (Training.TrainingDivergedException e) { return Fail(e.Message, 1); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Fail(e.Message, 1);
        }
    }

    static int Fail(string message, int code)
    {
        Console.Error.WriteLine("scratch: " + message.Split('\n')[0].Trim());
        return code;
    }

    internal static Device DeviceOption(Args args) =>
        DeviceOption(args.Str("device") ?? Environment.GetEnvironmentVariable("SCRATCH_DEVICE") ?? "auto");

    internal static Device DeviceOption(string spec)
    {
        try { return Device.Get(spec); }
        catch (ArgumentException e) { throw new UsageException("--device: " + e.Message); }
    }

    static int Devices()
    {
        foreach (var (spec, ok, detail) in Device.Survey())
        {
            Console.WriteLine($"{spec,-10} {(ok ? "available  " : "unavailable")}  {detail}");
            if (ok && spec != "cpu" && Device.TryGet(spec, out var d, out _) && d!.Backend.Innermost() is Tensors.Ilgpu.IlgpuBackend ib)
                Console.WriteLine($"{"",-10} {"",-11}  matmul: {ib.GemmNote}");
        }
        Console.WriteLine($"auto       -> {Device.Get("auto")}");
        return 0;
    }
}
