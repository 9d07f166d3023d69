using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Text;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;
using Sgraf.Training.Model;

namespace Sgraf.Training.Tests.Model;

/// <summary>The fixture's official SGR and SAF checkpoints, data and vocabulary, loaded and scored once for all parity tests.</summary>
public sealed class OfficialModels : IDisposable
{
    public OfficialModels()
    {
        Vocabulary = Vocabulary.Load(OfficialFixture.VocabFile);
        Data = PrecompDataset.Load(OfficialFixture.DataDir, "test");
        CaptionIds = Data.Captions.Select(c => CaptionTokenizer.Encode(c, Vocabulary)).ToArray();
        Sgr = ModelSource.LoadModel(OfficialFixture.Checkpoint("SGR"));
        Saf = ModelSource.LoadModel(OfficialFixture.Checkpoint("SAF"));
        SgrScores = SplitScorer.Score(Sgr, Data, CaptionIds);
        SafScores = SplitScorer.Score(Saf, Data, CaptionIds);
    }

    public Vocabulary Vocabulary { get; }
    public PrecompDataset Data { get; }
    public int[][] CaptionIds { get; }
    public SgrafModel Sgr { get; }
    public SgrafModel Saf { get; }
    public ScoreMatrix SgrScores { get; }
    public ScoreMatrix SafScores { get; }

    public SgrafModel Of(string module) => module == "SGR" ? Sgr : Saf;
    public ScoreMatrix ScoresOf(string module) => module switch
    {
        "SGR" => SgrScores,
        "SAF" => SafScores,
        _ => SgrafEnsemble.Average([SgrScores, SafScores]),
    };

    public void Dispose()
    {
        Sgr.Dispose();
        Saf.Dispose();
    }
}
