"""Translatable messages for code that must not import Flask.

Domain modules mark a message with `N_()` so `pybabel extract -k N_` finds it, and return
`Message` objects; the web layer translates them into the reader's language at render time
(`remedy.core.i18n.translate`).
"""

from dataclasses import dataclass, field


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now."""
    return msgid


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


def msg(msgid: str, **params) -> Message:
    return Message(msgid, params)
