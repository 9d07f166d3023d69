using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Spec §6: one step of similarity graph reasoning over the (L+1) similarity nodes.</summary>
/// <remarks>
/// The edge logits Q Kᵀ are taken with one S × S matrix: with Q = N W_qᵀ + b_q and K = N W_kᵀ + b_k, row i of Q Kᵀ is
/// (A N_i + u) · N_j + (terms that do not depend on j), A = W_kᵀ W_q and u = W_kᵀ b_q. The row softmax does not
/// change when a row is shifted by a constant, so the edges are softmax((N Aᵀ + u) Nᵀ): one S × S product per node
/// instead of two. Gradients reach W_q, W_k and b_q through A and u; b_k, which cannot change any edge, gets none
/// (the official graph hands it rounding noise).
/// </remarks>
public sealed class GraphReasoning : Module<Tensor, Tensor>
{
    readonly Linear graph_query_w;
    readonly Linear graph_key_w;
    readonly Linear sim_graph_w;
    readonly ProductPrecision products;

    public GraphReasoning(int simDim, ProductPrecision products) : base("graph_reasoning")
    {
        this.products = products;
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
        // No 1/sqrt(S) scaling, no residual: exactly as the official GraphReasoning.
        edges = QueryKey(nodes).bmm(nodes.transpose(1, 2)).softmax(-1);
        return functional.relu(products.Linear(sim_graph_w, edges.bmm(nodes)));
    }

    /// <summary>Node 0 of <see cref="forward(Tensor, out Tensor)"/>'s output alone: what the last step needs.</summary>
    /// <returns>(P, S).</returns>
    public Tensor GlobalNode(Tensor nodes)
    {
        var edges = QueryKey(nodes.narrow(1, 0, 1)).bmm(nodes.transpose(1, 2)).softmax(-1);      // (P, 1, L+1)
        return functional.relu(products.Linear(sim_graph_w, edges.bmm(nodes).squeeze(1)));
    }

    /// <summary>A N_i + u for the given nodes: their queries, folded with the keys' weights.</summary>
    Tensor QueryKey(Tensor nodes)
    {
        var keyT = graph_key_w.weight!.t();
        return products.Linear(nodes, keyT.matmul(graph_query_w.weight!), keyT.matmul(graph_query_w.bias!));
    }
}
