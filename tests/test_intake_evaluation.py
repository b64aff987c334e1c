"""The intake evaluation (bench/intake/evaluate.py) runs, on a small labelled text,
and the extractor keeps its figures there."""

from bench.intake import evaluate


def test_the_evaluation_scores_a_small_labelled_order():
    [text] = [t for t in evaluate.load() if t["id"] == "eo-13789"]
    figures = evaluate.evaluate([text])
    assert figures["time_bound"]["labels"] == 5
    assert figures["time_bound"]["recall"] == 1.0
    assert figures["time_bound"]["precision"] == 1.0
    assert figures["time_bound"]["lead_right"] == 1.0


def test_the_evaluation_prints_both_splits(capsys):
    assert evaluate.main([]) == 0
    printed = capsys.readouterr().out
    assert "dev (" in printed
    assert "heldout (" in printed
    assert printed.count("time_bound") == 2
