"""Precision and recall of the suggested groupings on the labelled set `eval_set.json`
(225 complaints in seven languages, 26 groups, 7 pairs of hard negatives, 46 singletons,
6 duplicates). Complaints are filed through the API, so the registry resolves their names as
in real use; the suggestions are then read as links between complaints.

Grouping: two complaints are predicted together when suggestions link them (directly or
through others); a pair is right when the set gives both the same group. Duplicates: a
duplicate suggestion between a labelled duplicate and its original.

Run alone: `python -m tests.collective.evaluation` prints the figures.
"""

import json
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from remedy.collective.matching import aggregate
from remedy.collective.models import Suggestion
from remedy.extensions import db
from remedy.intake.models import Complaint

SET = Path(__file__).with_name("eval_set.json")
FIELDS = ("title", "narrative", "language", "ai_system", "deployer", "provider", "sector",
          "rights_dimensions", "complainant_country", "filer_type", "group_size", "mandate")


def load_set() -> list[dict]:
    return json.loads(SET.read_text())["complaints"]


def file_all(client, complaints) -> dict[str, str]:
    """File each complaint through the API; key -> reference."""
    references = {}
    for item in complaints:
        body = {k: item[k] for k in FIELDS if item.get(k) is not None}
        if item.get("contact_email"):
            body["contact"] = {"email": item["contact_email"]}
        response = client.post("/api/v1/complaints", json=body)
        assert response.status_code == 201, (item["key"], response.get_json())
        references[item["key"]] = response.get_json()["reference"]
    return references


def _pairs(groups: dict[str, str | None]) -> set[frozenset]:
    by_group: dict[str, list[str]] = {}
    for key, group in groups.items():
        if group:
            by_group.setdefault(group, []).append(key)
    return {frozenset(p) for members in by_group.values() for p in combinations(members, 2)}


def _components(keys, links) -> set[frozenset]:
    parent = {k: k for k in keys}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    clusters: dict[str, list[str]] = {}
    for k in keys:
        clusters.setdefault(root(k), []).append(k)
    return {frozenset(p) for members in clusters.values() for p in combinations(members, 2)}


def _member_recall(complaints, right_links) -> float:
    """Of the complaints that belong to a group, the share with at least one right suggestion
    (to or from another complaint of their group)."""
    grouped = {c["key"] for c in complaints if c["group"]
               and sum(1 for o in complaints if o["group"] == c["group"]) > 1}
    linked = {k for pair in right_links for k in pair}
    return len(grouped & linked) / len(grouped) if grouped else 1.0


def measure(complaints, references) -> dict:
    """Figures from the suggestions now in the database."""
    key_of = {}
    for complaint_id, reference in db.session.execute(select(Complaint.id, Complaint.reference)):
        key_of[complaint_id] = next((k for k, r in references.items() if r == reference), None)
    links, duplicate_links = [], set()
    for suggestion in db.session.scalars(select(Suggestion).where(Suggestion.status == "open")):
        kind, target = suggestion.target.split(":")
        if kind != "complaint":
            continue
        pair = (key_of[suggestion.complaint_id], key_of[int(target)])
        if suggestion.kind == "duplicate":
            duplicate_links.add(frozenset(pair))
        links.append(pair)
    truth = _pairs({c["key"]: c["group"] for c in complaints})
    predicted = _components([c["key"] for c in complaints], links)
    right = predicted & truth
    direct = {frozenset(pair) for pair in links}
    true_duplicates = {frozenset((c["key"], c["duplicate_of"])) for c in complaints
                       if c.get("duplicate_of")}
    return {
        "complaints": len(complaints),
        "true_pairs": len(truth), "predicted_pairs": len(predicted), "right_pairs": len(right),
        "precision": len(right) / len(predicted) if predicted else 1.0,
        "recall": len(right) / len(truth) if truth else 1.0,
        "links": len(direct), "right_links": len(direct & truth),
        "member_recall": _member_recall(complaints, direct & truth),
        "link_precision": len(direct & truth) / len(direct) if direct else 1.0,
        "duplicates_found": len(duplicate_links & true_duplicates),
        "duplicates_labelled": len(true_duplicates),
        "duplicates_suggested": len(duplicate_links),
    }


def evaluate(app) -> dict:
    """File the set, measure the incremental suggestions, re-run the whole aggregation and
    measure again: {"incremental": {...}, "bulk": {...}}."""
    from tests.conftest import run_jobs

    complaints = load_set()
    references = file_all(app.test_client(), complaints)
    run_jobs(app)  # the matching after each filing (an RQ worker, when there is Redis)
    with app.app_context():
        incremental = measure(complaints, references)
        aggregate()
        bulk = measure(complaints, references)
        db.session.remove()
    return {"incremental": incremental, "bulk": bulk}


def report(figures: dict) -> str:
    lines = []
    for mode, f in figures.items():
        lines.append(f"{mode:>11}: suggestions {f['link_precision']:.3f} right "
                     f"({f['right_links']} of {f['links']}); grouped complaints with a right "
                     f"suggestion {f['member_recall']:.3f}; groups formed by them: "
                     f"precision {f['precision']:.3f}, recall {f['recall']:.3f} "
                     f"({f['right_pairs']} right of {f['predicted_pairs']} predicted pairs, "
                     f"{f['true_pairs']} true pairs); duplicates {f['duplicates_found']} of "
                     f"{f['duplicates_labelled']} found, {f['duplicates_suggested']} suggested")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a report for people
    import tempfile

    from remedy.app import create_app
    from tests.factories import make_organisation

    with tempfile.TemporaryDirectory() as folder:
        application = create_app("testing", {"INSTANCE_PATH": folder,
                                             "DATABASE_URL": f"sqlite:///{folder}/eval.db",
                                             "RATELIMIT_ENABLED": False,
                                             "DEFAULT_ORGANISATION": "eval"})
        with application.app_context():
            from flask_migrate import upgrade

            upgrade()
            make_organisation(slug="eval", country="DK")
            db.session.remove()
        print(report(evaluate(application)))
