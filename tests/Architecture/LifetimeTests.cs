using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace Scratch.Tests.Architecture;

/// <summary>
/// Lifetimes by idiom (docs/memory.md): in the ops and the layers a temporary ends with <c>using</c>,
/// and saved tensors and gradients are the engine's to free. So no method of the ops (the Tensor
/// class, its closures included) or of Scratch.Layers frees memory by hand: no call to
/// Storage.Release, and no direct call to NDArray.Dispose or Tensor.Dispose — a <c>using</c>
/// compiles to a call through IDisposable, which is what is allowed. Read from the IL with Mono.Cecil.
/// </summary>
public class LifetimeTests
{
    static readonly string[] ByHand = ["Scratch.Tensors.Storage::Release", "Scratch.Tensors.NDArray::Dispose", "Scratch.Autograd.Tensor::Dispose"];

    [Fact]
    public void Ops_and_layers_free_memory_only_with_using()
    {
        var offenders = FreeingByHand(typeof(Scratch.Autograd.Tensor).Assembly.Location, IsOp)
            .Concat(FreeingByHand(typeof(Scratch.Layers.Module).Assembly.Location, _ => true)).ToArray();
        Assert.True(offenders.Length == 0, "free with `using`, or leave it to the engine: " + string.Join(", ", offenders));
    }

    [Fact]
    public void The_check_sees_a_release_where_there_is_one()
    {
        // The engine frees gradients by hand, by design: the scan must find that call.
        var engine = FreeingByHand(typeof(Scratch.Autograd.Tensor).Assembly.Location,
            t => Outermost(t).FullName == "Scratch.Autograd.GradientBuffers");
        Assert.Contains(engine, m => m.Contains("GradientBuffers"));
    }

    // Tensor's own Dispose is where a using ends up; every other method of Tensor is an op or its closure.
    static bool IsOp(TypeDefinition t) => Outermost(t).FullName == "Scratch.Autograd.Tensor";

    static TypeDefinition Outermost(TypeDefinition t) { while (t.DeclaringType != null) t = t.DeclaringType; return t; }

    static IEnumerable<string> FreeingByHand(string assembly, Func<TypeDefinition, bool> inScope)
    {
        using var module = ModuleDefinition.ReadModule(assembly);
        var found = new List<string>();
        foreach (var type in module.GetTypes().Where(inScope))
            foreach (var method in type.Methods.Where(m => m.HasBody && !(m.Name == "Dispose" && type.FullName == "Scratch.Autograd.Tensor")))
                foreach (var ins in method.Body.Instructions)
                    if ((ins.OpCode == OpCodes.Call || ins.OpCode == OpCodes.Callvirt) && ins.Operand is MethodReference called
                        && ByHand.Contains(called.DeclaringType.FullName + "::" + called.Name))
                        found.Add($"{type.FullName}.{method.Name} calls {called.DeclaringType.Name}.{called.Name}");
        return found;
    }
}
