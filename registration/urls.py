from django.urls import include, path

from registration.cabinet import documents as documents_views
from registration.cabinet import identity as identity_views
from registration.cabinet import privacy as privacy_views
from registration.cabinet import scans, views
from registration.cabinet.centres import centre_search
from registration.documents import views as document_check
from registration.onboarding import captcha
from registration.onboarding import views as wizard
from registration.onboarding.inn_check import check_inn
from registration.privacy import views as legal_texts

app_name = "registration"

urlpatterns = [
    path("register/", wizard.start, name="start"),
    path("register/resume/", wizard.wizard_view, name="wizard"),
    path("register/restart/", wizard.restart, name="wizard_restart"),
    path("register/for-russian-citizens/", wizard.russian_citizens, name="wizard_russian"),
    path("register/captcha/<str:key>/audio/", captcha.audio, name="captcha_audio"),
    path("register/check-inn/", check_inn, name="check_inn"),
    path("terms/", legal_texts.document, {"kind": "terms"}, name="terms"),
    path("terms/<str:version>/", legal_texts.document, {"kind": "terms"}, name="terms_version"),
    path("privacy/", legal_texts.document, {"kind": "notice"}, name="privacy"),
    path("privacy/<str:version>/", legal_texts.document, {"kind": "notice"}, name="privacy_version"),
    path("register/complete/", wizard.complete, name="wizard_complete"),
    path("register/confirm-email/<str:token>/", wizard.email_link, name="contact_email_link"),
    path("register/saved/", wizard.saved_page, name="wizard_saved"),
    path("register/session-ended/", wizard.session_ended, name="wizard_session_ended"),
    path("register/continue/code/", wizard.resume_code, name="wizard_resume_code"),
    path("register/continue/<str:token>/", wizard.resume_link, name="wizard_resume_link"),
    path("register/zone-status/", wizard.zone_status, name="wizard_zone_status"),
    path("register/<slug:step>/", wizard.wizard_view, name="wizard_step"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/login/code/", views.LoginCodeView.as_view(), name="login_code"),
    path("account/logout/", views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("account/password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/", views.cabinet, name="cabinet"),
    path("help/", views.help_page, name="help"),
    path("account/security/", views.security, name="security"),
    path("account/data/", privacy_views.overview, name="privacy_overview"),
    path("account/data/download/", privacy_views.download, name="privacy_download"),
    path("account/data/close/", privacy_views.close, name="account_close"),
    path("account/closed/", privacy_views.closed, name="account_closed"),
    path("account/language/", views.language, name="language"),
    path("account/profile/", include("registration.cabinet.profile.urls")),
    path("account/support/", views.support_list, name="support_list"),
    path("account/support/new/", views.support_new, name="support_new"),
    path("account/support/<str:number>/", views.support_detail, name="support_detail"),
    # Documents issued as the results of services: the person's PDFs, and the public check page (QR code).
    path("account/documents/", documents_views.document_list, name="issued_documents"),
    path("account/documents/<int:pk>/pdf", documents_views.document_pdf, name="issued_document_pdf"),
    path("check/<str:token>/", document_check.check, name="document_check"),
    # Payments (registration/payments/): the provider's webhook, the return page, the receipts.
    path("", include("registration.payments.urls")),
    # Identity confirmation (registration/identity/) and private scans.
    path("account/identity/", identity_views.methods, name="identity_methods"),
    path("account/identity/service-centre/receipt/", identity_views.receipt, name="identity_receipt"),
    path("account/identity/service-centre/search/", centre_search, name="centre_search"),
    path("account/identity/requests/<int:pk>/upload/", identity_views.upload, name="identity_upload"),
    path("account/identity/<slug:code>/", identity_views.method_page, name="identity_method"),
    path("account/documents/<int:pk>/scan/", scans.scan, {"kind": "document"}, name="document_scan"),
    path("account/identity/uploads/<int:pk>/scan/", scans.scan, {"kind": "requested"}, name="requested_scan"),
]
