"""The payments' pages, included in the ``registration`` namespace."""

from django.urls import path

from registration.payments import views

urlpatterns = [
    path("payments/webhook/", views.webhook, name="payment_webhook"),
    path("payments/<uuid:public_id>/return/", views.payment_return, name="payment_return"),
    path("account/payments/", views.payment_list, name="payment_list"),
    path("account/payments/<uuid:public_id>/", views.payment_receipt, name="payment_receipt"),
]
