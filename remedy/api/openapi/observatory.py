"""The observatory's public statistics (remedy/observatory/api.py), and the region's added up
(remedy/observatory/regional_views.py)."""

from remedy.api.openapi.components import (
    ANYONE,
    BOOLEAN,
    DATETIME,
    INTEGER,
    NUMBER,
    STRING,
    TEXT,
    answer,
    array,
    enum,
    errors,
    nullable,
    obj,
    operation,
    query,
    ref,
)
from remedy.core.vocabulary import RIGHTS_DIMENSIONS, SECTORS
from remedy.observatory import stats

TAGS = ["observatory"]
MONTH = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$"}

STATS = obj({
    "filters": {"type": "object", "description": "The filters applied.",
                "additionalProperties": STRING},
    "group_by": enum(stats.ALL_GROUPS),
    "threshold": INTEGER,
    "rounded_to": INTEGER,
    "total": {"type": "integer", "description": "Rounded to a multiple of the threshold."},
    "items": array(obj({"key": STRING, "count": {"type": ["integer", "null"]},
                        "suppressed": BOOLEAN,
                        "people": {"type": ["integer", "null"], "description":
                                   "`collective_claims` only: the people the month's claims "
                                   "represent, rounded; null when the month is suppressed."}},
                       optional=("people",))),
    "people_total": {"type": ["integer", "null"], "description":
                     "`collective_claims` only: the people all the claims represent, rounded; "
                     "null when there are fewer claims than the threshold."},
    "hidden_names": {"type": "integer", "minimum": 0, "description":
                     "`ai_system` and `respondent` only: how many names are not shown "
                     "(counted fewer times than the threshold)."},
    "note": STRING,
}, description="Anonymised counts: a count below the threshold is suppressed, the others "
               "rounded to a multiple of it. `remedy_type` counts remedies carried out, "
               "`collective_claims` claims by the month they were formed, `ai_system` and "
               "`respondent` complaints by name, only for organisations that publish names.",
   optional=("people_total", "hidden_names"))

REGIONAL = obj({
    "group_by": enum(stats.GROUPS),
    "total": {"type": "integer", "description": "The complaints of every contributing "
                                                "installation, as each published its total."},
    "items": array(obj({
        "key": STRING,
        "count": {"type": ["integer", "null"], "description": "The sum of the published "
                  "counts; at least this when `suppressed`."},
        "suppressed": {"type": "boolean", "description": "Some installation suppressed it."},
        "hidden_at": {"type": "integer", "minimum": 0,
                      "description": "How many installations suppressed it."},
    })),
    "installations": array(obj({
        "name": STRING, "base_url": STRING, "own": BOOLEAN, "contributing": BOOLEAN,
        "figures_as_of": nullable(DATETIME), "fetched_at": nullable(DATETIME),
        "last_attempt_at": nullable(DATETIME), "stale": BOOLEAN,
        "threshold": nullable(INTEGER), "total": nullable(INTEGER),
        "error": TEXT, "reason": TEXT,
    })),
    "stale_after_hours": NUMBER,
    "note": STRING,
}, description="This installation's published statistics and those of the installations "
               "of its directory, added up, with who contributed and how fresh each one's "
               "figures are.")

SCHEMAS = {"ObservatoryStats": STATS, "RegionalStats": REGIONAL}

PATHS = {
    "/api/v1/observatory/stats": {"get": operation(
        "observatory_stats", "Anonymised counts of complaints", tags=TAGS, security=ANYONE,
        description="Read from the rollups; small cells suppressed. Cacheable for 5 minutes.",
        parameters=[
            query("from", MONTH, "The first month, YYYY-MM."),
            query("to", MONTH, "The last month, YYYY-MM."),
            query("country", {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                  "Only complainants of this country."),
            query("sector", enum(SECTORS), "Only this sector."),
            query("rights_dimension", enum(RIGHTS_DIMENSIONS), "Only this right."),
            query("group_by", enum(stats.ALL_GROUPS), "What to count by; `month` by default."),
        ],
        responses={"200": answer("The counts.", ref("ObservatoryStats"),
                                 headers={"Cache-Control": {"schema": STRING}}),
                   **errors(422)})},
    "/api/v1/observatory/regional": {"get": operation(
        "observatory_regional", "Statistics of the region, added up", tags=TAGS,
        security=ANYONE,
        description="One combined table: each installation suppresses and rounds its own "
                    "figures before they leave it. A 404 where the regional view is not set "
                    "up (OBSERVATORY_REGIONAL).",
        parameters=[query("group_by", enum(stats.GROUPS), "What to count by; `month` by "
                                                          "default.")],
        responses={"200": answer("The combined table and the installations.",
                                 ref("RegionalStats"),
                                 headers={"Cache-Control": {"schema": STRING}}),
                   **errors(404, 422)})},
}
