"""The language chooser's list: each language named in its own script, never translated.

Django's ``{% get_available_languages %}`` passes the names through gettext, and Django's own catalogues
translate "English" (into Russian, say); the chooser must show "English" to every reader.
"""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_languages() -> list[tuple[str, str]]:
    """``settings.LANGUAGES`` as written: (code, the language's name in its own script)."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
