"""The one base of the flows' expected failures: a stable code, parameters, a translatable message.

Each flow names its messages once (a ``messages`` mapping on its subclass); views show ``message`` to
people, tests assert ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.functional import Promise


class FlowError(Exception):
    """An expected failure of a flow: ``code`` is stable, ``params`` fill the message's placeholders."""

    #: The message of each code, translatable (``gettext_lazy``); a code without one shows itself.
    messages: ClassVar[Mapping[str, str | Promise]] = {}

    def __init__(self, code: str, message: str | Promise | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self._message = message

    @property
    def message(self) -> str:
        text = str(self._message if self._message is not None else self.messages.get(self.code, self.code))
        return text % self.params if self.params and "%(" in text else text
