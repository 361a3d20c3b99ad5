from django.urls import path

from .apis import AuthTokenApi, MeApi, RegisterApi

urlpatterns = [
    path("auth/token", AuthTokenApi.as_view(), name="auth-token"),
    path("auth/register", RegisterApi.as_view(), name="auth-register"),
    path("me", MeApi.as_view(), name="me"),
]
