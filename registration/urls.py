from django.urls import path

from . import scans, views
from .identity import views as identity_views

app_name = "registration"

urlpatterns = [
    path("register/", views.start, name="start"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.cabinet, name="cabinet"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    # Identity confirmation (registration/identity/) and private scans.
    path("account/identity/", identity_views.methods, name="identity_methods"),
    path("account/identity/service-centre/receipt/", identity_views.receipt, name="identity_receipt"),
    path("account/identity/requests/<int:pk>/upload/", identity_views.upload, name="identity_upload"),
    path("account/identity/<slug:code>/", identity_views.method_page, name="identity_method"),
    path("account/documents/<int:pk>/scan/", scans.document_scan, name="document_scan"),
    path("account/identity/uploads/<int:pk>/scan/", scans.requested_scan, name="requested_scan"),
]
