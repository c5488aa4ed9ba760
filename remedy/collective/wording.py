"""The engine's reasons and harms in the reader's language."""

from remedy.collective import domain
from remedy.core.i18n import translate
from remedy.core.messages import msg


def reason_text(reason: dict) -> str:
    """A reason in the reader's language ("same harm: automated deactivation ...")."""
    template = domain.REASONS.get(reason.get("code"))
    if template is None:
        return reason.get("code", "")
    values = {k: v for k, v in reason.items() if k != "code"}
    for key in ("harm", "other"):
        if key in values and values[key] in domain.HARM_NAMES:
            values[key] = translate(domain.HARM_NAMES[values[key]])
    return translate(msg(template, **values))
