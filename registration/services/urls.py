from django.urls import path

from registration.services import views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/<slug:code>/", views.start, name="start"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/check/", views.check, name="check"),
    path("<str:number>/pay/", views.pay, name="pay"),
    path("<str:number>/payment/return/", views.payment_return, name="payment_return"),
    path("<str:number>/extend/", views.extend, name="extend"),
    path("<str:number>/<slug:step>/", views.step, name="step"),
]
