namespace Scratch.Autograd;

/// <summary>
/// Reverse-mode autograd on single numbers: micrograd's idea (Karpathy) in C#, the whole of what
/// <see cref="Tensor"/> does without arrays, devices or memory. Each operation makes a Value that
/// remembers its inputs and how to pass a gradient back to them; <see cref="Backward"/> visits the graph
/// in reverse topological order, so every node's gradient is complete before it is passed on.
/// </summary>
public sealed class Value
{
    public double Data { get; }

    /// <summary>∂(the output Backward was called on)/∂(this value), summed over every path.</summary>
    public double Grad { get; set; }

    /// <summary>The inputs this value was computed from (none for a leaf).</summary>
    public IReadOnlyList<Value> Inputs { get; }

    /// <summary>The operation's name ("+", "*", "tanh", …), for printing.</summary>
    public string Op { get; }

    /// <summary>Adds this value's share to its inputs' gradients: the chain rule for one node.</summary>
    readonly Action<Value> _backward;

    public Value(double data) : this(data, [], "", _ => { }) { }

    Value(double data, Value[] inputs, string op, Action<Value> backward) =>
        (Data, Inputs, Op, _backward) = (data, inputs, op, backward);

    public static implicit operator Value(double d) => new(d);

    public static Value operator +(Value a, Value b) => new(a.Data + b.Data, [a, b], "+", o =>
    {
        a.Grad += o.Grad;
        b.Grad += o.Grad;
    });

    public static Value operator *(Value a, Value b) => new(a.Data * b.Data, [a, b], "*",
        // TASK 1.1: mul's backward: add ∂(a·b)/∂a times o.Grad to a.Grad, and ∂(a·b)/∂b times o.Grad to b.Grad
        o =>
        {
            a.Grad += b.Data * o.Grad;
            b.Grad += a.Data * o.Grad;
        });

    /// <summary>xᵖ for a constant p.</summary>
    public Value Pow(double p)
    {
        var x = this;
        return new(Math.Pow(x.Data, p), [x], $"^{p}",
            // TASK 1.2: pow's backward: d xᵖ/dx = p·xᵖ⁻¹, times o.Grad, added to x.Grad
            o => x.Grad += p * Math.Pow(x.Data, p - 1) * o.Grad);
    }

    public Value Tanh()
    {
        var x = this;
        double t = Math.Tanh(x.Data);
        return new(t, [x], "tanh",
            // TASK 1.3: tanh's backward: d tanh x/dx = 1 − tanh² x (the output t is at hand), times o.Grad
            o => x.Grad += (1 - t * t) * o.Grad);
    }

    public Value Exp()
    {
        var x = this;
        double e = Math.Exp(x.Data);
        return new(e, [x], "exp", o => x.Grad += e * o.Grad);
    }

    public static Value operator -(Value a) => a * -1;
    public static Value operator -(Value a, Value b) => a + -b;
    public static Value operator /(Value a, Value b) => a * b.Pow(-1);

    /// <summary>Every value this one depends on, itself last, each after all of its inputs.</summary>
    // TASK 1.4: topological order: a depth-first walk that appends a node after all of its inputs, visiting each node once
    public List<Value> Topological()
    {
        var order = new List<Value>();
        var seen = new HashSet<Value>(ReferenceEqualityComparer.Instance);
        void Visit(Value v)
        {
            if (!seen.Add(v)) return;
            foreach (var input in v.Inputs) Visit(input);
            order.Add(v);
        }
        Visit(this);
        return order;
    }

    /// <summary>Sets this value's gradient to 1 and sends it back through the graph, each node once.</summary>
    // TASK 1.5: backward: zero every gradient in Topological(), set this one's to 1, then Propagate each node, last to first
    public void Backward()
    {
        var order = Topological();
        foreach (var v in order) v.Grad = 0;
        Grad = 1;
        for (int i = order.Count - 1; i >= 0; i--) order[i].Propagate();
    }

    /// <summary>One step of the chain rule: adds this node's share of its gradient to its inputs' gradients.</summary>
    public void Propagate() => _backward(this);

    public override string ToString() => $"Value({Data:G6}, grad {Grad:G6})";
}
