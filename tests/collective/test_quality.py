"""The quality goal of the aggregation, measured on the labelled set (see evaluation.py):
of the suggestions made, at least 90% right; of the complaints that belong to a group, at
least 80% get a right suggestion, and confirming the suggestions would reunite at least 80%
of the pairs of each group. Both the incremental matching and a whole re-run."""

from tests.collective.evaluation import evaluate, report


def test_suggested_groupings_meet_the_precision_and_recall_goals(app, org, capsys):
    figures = evaluate(app)
    with capsys.disabled():
        print("\n" + report(figures))
    for mode, f in figures.items():
        assert f["link_precision"] >= 0.9, (mode, f)
        assert f["member_recall"] >= 0.8, (mode, f)
        assert f["recall"] >= 0.8, (mode, f)
        assert f["duplicates_found"] == f["duplicates_labelled"], (mode, f)
