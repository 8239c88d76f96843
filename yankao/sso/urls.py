from django.urls import path

from yankao.sso import views

urlpatterns = [
    path("accounts/sso/", views.SignIn.as_view(), name="oidc_authentication_init"),
    path("accounts/sso/callback/", views.Callback.as_view(), name="oidc_authentication_callback"),
]
