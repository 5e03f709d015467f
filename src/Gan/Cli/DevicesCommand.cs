using System.CommandLine;
using Scratch.Tensors;

namespace Scratch.Gan.Cli;

/// <summary>`scratch devices`: every backend and device, whether it works here, and why not.</summary>
public static class DevicesCommand
{
    public static Command Define()
    {
        var command = new Command("devices",
            "list backends and devices, and why any is unavailable (auto | cpu | cpu-ref | cuda | opencl | ilgpu-cpu | ilgpu-cpu-nvidia)");
        command.SetAction(_ => Run());
        return command;
    }

    static int Run()
    {
        var rows = new List<(string Spec, bool Ok, string Detail)>();
        foreach (var (spec, ok, detail) in Device.Survey())
        {
            var note = ok && spec != "cpu" && Device.TryGet(spec, out var d, out _) && d!.Backend.Innermost() is Tensors.Ilgpu.IlgpuBackend ib
                ? $"{ib.GemmName} — {ib.GemmNote}" : null;
            rows.Add((spec, ok, note == null ? detail : $"{detail}\nmatmul: {note}"));
        }
        var auto = Device.Get("auto").ToString();
        if (Terminal.Interactive) Tables.Devices(rows, auto);
        else
        {
            // Plain lines, as before Spectre.Console: scripts and CI logs read these.
            foreach (var (spec, ok, detail) in rows)
            {
                var lines = detail.Split('\n');
                Console.WriteLine($"{spec,-16} {(ok ? "available  " : "unavailable")}  {lines[0]}");
                foreach (var more in lines.Skip(1)) Console.WriteLine($"{"",-16} {"",-11}  {more}");
            }
            Console.WriteLine($"{"auto",-16} -> {auto}");
        }
        return 0;
    }
}
