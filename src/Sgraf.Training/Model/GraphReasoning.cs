using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Spec §6: one step of similarity graph reasoning over the (L+1) similarity nodes.</summary>
public sealed class GraphReasoning : Module<Tensor, Tensor>
{
    readonly Linear graph_query_w;
    readonly Linear graph_key_w;
    readonly Linear sim_graph_w;

    public GraphReasoning(int simDim) : base("graph_reasoning")
    {
        graph_query_w = Linear(simDim, simDim);
        graph_key_w = Linear(simDim, simDim);
        sim_graph_w = Linear(simDim, simDim);
        RegisterComponents();
        XavierInit.Apply(graph_query_w, graph_key_w, sim_graph_w);
    }

    /// <param name="nodes">(P, L+1, S) similarity nodes, row 0 the global one.</param>
    public override Tensor forward(Tensor nodes) => forward(nodes, out _);

    /// <param name="edges">(P, L+1, L+1) the edge weights, each row a softmax over the nodes.</param>
    public Tensor forward(Tensor nodes, out Tensor edges)
    {
        var query = graph_query_w.call(nodes);
        var key = graph_key_w.call(nodes);
        // No 1/sqrt(S) scaling, no residual: exactly as the official GraphReasoning.
        edges = query.bmm(key.transpose(1, 2)).softmax(-1);
        return functional.relu(sim_graph_w.call(edges.bmm(nodes)));
    }
}
