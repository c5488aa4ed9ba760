"""Fill given translations into the catalogues: `python scripts/po_fill.py tr.json`, where
tr.json is {"fr": {"msgid": "msgstr"}, "zh_Hans": {...}}; a plural entry is keyed by its
singular msgid and given a list of forms. Entries already translated stay."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "remedy" / "translations"

for locale, entries in json.loads(Path(sys.argv[1]).read_text()).items():
    path = ROOT / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        plural = isinstance(message.id, (tuple, list))
        key = message.id[0] if plural else message.id
        empty = not all(message.string) if plural else not message.string
        if key in entries and empty:
            message.string = tuple(entries[key]) if plural else entries[key]
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, no_location=True)
    left = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, (tuple, list)) else m.string)]
    print(f"{locale}: {len(left)} untranslated")
