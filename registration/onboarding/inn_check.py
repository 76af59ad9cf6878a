"""The identifiers step's "Check" button: the INN's format and check digits, checked on the server.

What is checked is said plainly: the number's form and its two check digits, as the step's own
validation does on submit; the number is not looked up in the tax service's register (that needs an
integration the portal does not have yet). The number comes in a POST body (never a URL), is never
logged, and the check is rate-limited per client address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from registration.core.ratelimit import limit

#: What a passed check means, for the page and the check-your-answers summary.
CHECKED = _("The format and the check digits are right. The number has not been looked up in the tax register.")


@never_cache
@require_POST
@sensitive_post_parameters("inn")
@limit("inn_check_ip")
def check_inn(request: HttpRequest) -> JsonResponse:
    """``{"ok": true, "inn": …, "message": …}`` or ``{"ok": false, "code": …, "message": …}``."""
    from registration.onboarding.forms import IdentifiersForm

    field = IdentifiersForm.base_fields["inn"]
    value = (request.POST.get("inn") or "")[:100]
    if not value.strip():
        return JsonResponse({"ok": False, "code": "required", "message": str(_("Type the INN to check it."))})
    try:
        inn = field.clean(value)
    except ValidationError as exc:
        error = exc.error_list[0]
        message = error.message % error.params if error.params else error.message
        return JsonResponse({"ok": False, "code": error.code or "invalid", "message": str(message)})
    return JsonResponse({"ok": True, "inn": inn, "message": str(CHECKED)})
