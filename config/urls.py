"""The site's URLs: the site's apps, the clerks' admin, language switching and the captcha."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from registration.core import health, metrics


class FaviconRedirect(RedirectView):
    """/favicon.ico → the static icon, its address (hashed in production) looked up when asked, not at import."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.ico")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registration:start", permanent=False), name="home"),
    path("", include("registration.urls")),
    path("account/services/", include("registration.services.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    # Browsers ask for /favicon.ico on pages without an icon link (files, the letters' print page).
    path("favicon.ico", FaviconRedirect.as_view()),
    # Probes and metrics for the operators (registration/core/health.py, registration/core/metrics.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]

# Server errors render without the database; a lost database connection gives a 503 (registration/core/error_pages.py).
handler500 = "registration.core.error_pages.server_error"
