from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("register/", views.start, name="start"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.cabinet, name="cabinet"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
]
