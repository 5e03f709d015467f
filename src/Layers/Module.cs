using System.Text;
using Scratch.Autograd;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>
/// A building block of a network. It owns named parameters (leaf tensors that require grad),
/// buffers (state that is saved but not trained, such as BatchNorm's running mean) and child
/// modules; names nest with dots ("net.0.weight"), as in PyTorch's state dicts.
/// </summary>
public abstract class Module
{
    readonly List<(string Name, Tensor Value)> _params = new();
    readonly List<(string Name, Tensor Value)> _buffers = new();
    readonly List<(string Name, Module Value)> _children = new();

    /// <summary>Train mode (BatchNorm uses batch statistics, Dropout drops) or eval mode.</summary>
    public bool Training { get; private set; } = true;

    public abstract Tensor Forward(Tensor x);

    /// <summary>Runs Forward; while a summary is being taken, also records this module's output shape.</summary>
    public Tensor Call(Tensor x)
    {
        var y = Forward(x);
        Recorded(y);
        return y;
    }

    /// <summary>Notes an output of this module for <see cref="Summary"/> (a fused step calls it for the layers it runs).</summary>
    internal void Recorded(Tensor y) => _recorder?.Add((this, y.Shape));

    protected Tensor Parameter(string name, NDArray value)
    {
        var t = new Tensor(value, requiresGrad: true) { Name = name };
        _params.Add((name, t));
        return t;
    }

    protected Tensor Buffer(string name, NDArray value)
    {
        var t = new Tensor(value) { Name = name };
        _buffers.Add((name, t));
        return t;
    }

    protected TModule Child<TModule>(string name, TModule m) where TModule : Module
    {
        _children.Add((name, m));
        return m;
    }

    public IEnumerable<(string Name, Module Module)> Children => _children;

    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (n, p) in _params) yield return (prefix + n, p);
        foreach (var (n, c) in _children)
            foreach (var x in c.NamedParameters(prefix + n + ".")) yield return x;
    }

    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "")
    {
        foreach (var (n, b) in _buffers) yield return (prefix + n, b);
        foreach (var (n, c) in _children)
            foreach (var x in c.NamedBuffers(prefix + n + ".")) yield return x;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    public long ParameterCount => Parameters().Sum(p => (long)p.Numel);

    /// <summary>Every module in the tree, this one first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, c) in _children) foreach (var m in c.Modules()) yield return m;
    }

    public Module Train(bool on = true) { foreach (var m in Modules()) m.Training = on; return this; }
    public Module Eval() => Train(false);

    /// <summary>Calls fn on every module (PyTorch's apply), e.g. to initialise weights.</summary>
    public Module Apply(Action<Module> fn) { foreach (var m in Modules()) fn(m); return this; }

    public void ZeroGrad() { foreach (var p in Parameters()) p.ZeroGrad(); }

    /// <summary>Moves every parameter and buffer to a device.</summary>
    public Module To(Device device)
    {
        foreach (var (_, t) in NamedParameters().Concat(NamedBuffers())) t.MoveTo(device);
        return this;
    }

    public Device Device => Parameters().Concat(NamedBuffers().Select(b => b.Tensor)).FirstOrDefault()?.Device ?? Device.Default;

    /// <summary>Parameters and buffers by name: what a checkpoint stores.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> StateDict() => NamedParameters().Concat(NamedBuffers()).ToList();

    /// <summary>Copies values in by name. Names and shapes must match exactly; the first difference is named.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, NDArray> state, string prefix = "")
    {
        var mine = StateDict();
        foreach (var (name, t) in mine)
        {
            if (!state.TryGetValue(prefix + name, out var v))
                throw new InvalidDataException($"load: the checkpoint has no tensor '{prefix + name}' that the model needs");
            if (!Shape.Same(v.Shape, t.Shape))
                throw new InvalidDataException(
                    $"load: tensor '{prefix + name}' is {Shape.Str(v.Shape)} in the checkpoint but {t.ShapeStr} in the model");
        }
        var known = mine.Select(m => prefix + m.Name).ToHashSet();
        var extra = state.Keys.Where(k => k.StartsWith(prefix) && !known.Contains(k)).Order().FirstOrDefault();
        if (extra != null) throw new InvalidDataException($"load: the checkpoint has a tensor '{extra}' that the model does not");
        foreach (var (name, t) in mine) t.Data.CopyFrom(state[prefix + name].To(t.DType).To(t.Device));
    }

    // ---------------- summary ----------------
    [ThreadStatic] static List<(Module, int[])>? _recorder;

    /// <summary>A torchsummary-like table: each leaf layer, its output shape and its parameter count.</summary>
    public string Summary(params int[] inputShape)
    {
        var rec = new List<(Module, int[])>();
        _recorder = rec;
        try
        {
            using (MemoryScope.Begin())
            using (GradMode.NoGrad())
            {
                bool was = Training;
                Eval();
                Call(new Tensor(NDArray.Zeros(inputShape, Parameters().FirstOrDefault()?.DType ?? DType.Float32, Device)));
                Train(was);
            }
        }
        finally { _recorder = null; }
        var sb = new StringBuilder();
        string line = new('-', 64);
        sb.AppendLine(line).AppendLine($"{"Layer (type)",-28}{"Output Shape",-22}{"Param #",14}").AppendLine(line);
        var counts = new Dictionary<string, int>();
        foreach (var (m, shape) in rec)
        {
            if (m._children.Count > 0) continue;   // containers: their layers are listed
            var type = m.GetType().Name;
            counts[type] = counts.GetValueOrDefault(type) + 1;
            sb.AppendLine($"{$"{type}-{counts[type]}",-28}{Shape.Str(shape),-22}{m._params.Sum(p => (long)p.Value.Numel),14:N0}");
        }
        sb.AppendLine(line).AppendLine($"Total params: {ParameterCount:N0}").AppendLine(line);
        return sb.ToString();
    }

    public override string ToString() => GetType().Name;
}
