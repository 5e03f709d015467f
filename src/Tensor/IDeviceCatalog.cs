namespace Scratch.Tensors;

/// <summary>
/// The devices a build can make, each chosen by its name. The core asks for devices only through this
/// (<see cref="Device.Get"/>, <see cref="Device.Cpu"/>, the default device) and so names no backend;
/// the one catalog, <c>Devices/DeviceCatalog.cs</c>, knows them all and installs itself in
/// <see cref="Device.Catalog"/> when the assembly loads.
/// </summary>
public interface IDeviceCatalog
{
    /// <summary>Every name <see cref="Get"/> takes, "auto" first.</summary>
    string[] Choices { get; }

    /// <summary>The device a name picks ("auto": the fastest that works), or an ArgumentException whose message is the one-line reason.</summary>
    Device Get(string spec);

    /// <summary>The device a name picks, or false and the one-line reason it is unavailable.</summary>
    bool TryGet(string spec, out Device? device, out string why);

    /// <summary>One line per device: whether it is available, and its name or why not. For `scratch devices`.</summary>
    IEnumerable<(string Spec, bool Available, string Detail)> Survey();
}
