"""Two real installations (gunicorn on loopback, set up with the operator's commands): B has
complaints and publishes its statistics; A, with the regional observatory on, fetches them
by its periodic job over the signed federation channel and shows B as a fresh contributor;
when B's answers stop verifying with the key A's directory gives for B, A refuses them and
keeps B's last figures, saying why."""

import subprocess
import sys
import urllib.request

import pytest
import sqlalchemy as sa

from remedy.federation import crypto
from tests.referrals.installations import ROOT, Installation, wait_for

COMPLAINT = {
    "filer_type": "individual", "title": "Refused a flat by a scoring system",
    "narrative": "The letting agency's scoring system refused me a flat without a reason.",
    "complainant_country": "SE", "ai_system": "TenantScore", "deployer": "Nordic Homes AB",
    "deployer_country": "SE", "sector": "housing",
    "rights_dimensions": ["equality_non_discrimination"],
}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    work = tmp_path_factory.mktemp("regional")
    # Redis databases 8 and 9: the referral tests use 13 and 14.
    here, there = Installation("regional_a", work, 8), Installation("regional_b", work, 9)
    try:
        here.set_up("dk-nhri", "DK", "nhri")
        there.set_up("se-eo", "SE", "equality_body")
        here.trust(there, "SE", "equality_body")
        there.trust(here, "DK", "nhri")
        there.cli("remedy", "seed-demo")
        here.env.update({"REMEDY_OBSERVATORY_REGIONAL": "true",
                         "REMEDY_OBSERVATORY_REGIONAL_REFRESH_SECONDS": "0"})
        here.start()
        there.start()
        for _ in range(12):
            status, filed = there.post("/api/v1/complaints", COMPLAINT, auth=False)
            assert status == 201, filed
        there.cli("remedy", "rollups")
        yield here, there
    finally:
        here.close()
        there.close()


def _peer(here, there, group="sector"):
    status, body = here.request("GET", f"/api/v1/observatory/regional?group_by={group}", auth=False)
    assert status == 200, body
    return body, next(i for i in body["installations"] if i["base_url"] == there.base_url)


def _cells(table):
    return {(item["key"], item["count"], item["suppressed"]) for item in table["items"]}


def _page(installation) -> str:
    with urllib.request.urlopen(installation.base_url + "/observatory/regional?lang=en",
                                timeout=30) as response:
        assert response.headers["Cache-Control"] == "public, max-age=300"
        return response.read().decode()


def test_the_periodic_job_brings_the_other_installations_published_figures(region):
    here, there = region
    before = _peer(here, there)[1]
    assert not before["contributing"] and before["error"] == "never_fetched"
    here.cli("remedy", "scheduler", "--once")  # the job (with Redis: A's worker fetches)
    wait_for(lambda: _peer(here, there)[1]["contributing"], what="B's figures at A")
    for group in ("sector", "month", "rights_dimension"):
        combined, peer = _peer(here, there, group)
        published = there.get(f"/api/v1/observatory/stats?group_by={group}", auth=False)
        # A has no complaints of its own: the region's table is B's, as B publishes it.
        assert {(k, c, s) for k, c, s, *_ in (
            (i["key"], i["count"], i["suppressed"]) for i in combined["items"])} == (
            _cells(published))
        assert combined["total"] == published["total"] > 0
    assert peer["name"] == "se-eo authority" and not peer["stale"] and peer["error"] is None
    assert peer["figures_as_of"] and peer["fetched_at"]
    page = _page(here)
    assert "se-eo authority" in page and there.base_url in page and "Up to date" in page


def test_answers_no_longer_signed_by_the_key_in_the_directory_are_refused(region):
    here, there = region
    done = here.cli("remedy", "observatory-fetch")
    assert f"ok {there.base_url} (se-eo authority)" in done
    kept, peer = _peer(here, there)
    assert peer["error"] is None
    # A's directory now gives another key for B (as if B's key had been replaced).
    other = crypto.new_key_pair()[1]
    with here.engine.begin() as conn:
        conn.execute(sa.text(
            "UPDATE authority_keys SET public_key = :key, key_id = :key_id WHERE authority_id "
            "IN (SELECT id FROM authorities WHERE base_url = :url)"),
            {"key": other, "key_id": crypto.key_id(other), "url": there.base_url})
    failed = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "remedy",
                             "observatory-fetch"], cwd=ROOT, env=here.env, capture_output=True,
                            text=True, timeout=120)
    assert failed.returncode == 1
    assert f"failed {there.base_url} (se-eo authority): unknown_key" in failed.stdout
    combined, peer = _peer(here, there)
    assert peer["contributing"] and peer["error"] == "unknown_key"  # the old figures stay
    assert combined["items"] == kept["items"] and combined["total"] == kept["total"]
    assert peer["fetched_at"] == kept["installations"][1]["fetched_at"]
    page = _page(here)
    assert "The last attempt failed; the figures of the last good answer are shown." in page
    assert "signed with a key the directory does not give" in page
