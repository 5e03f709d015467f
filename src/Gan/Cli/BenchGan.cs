using Scratch.Tensors;

namespace Scratch.Gan.Cli;

internal static class BenchGan
{
    public static Action Workload(string name, Device device) =>
        throw new UsageException($"bench: workload '{name}' needs the GAN models, which are not built yet");
}
