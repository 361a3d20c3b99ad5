from django.urls import path

from .apis import (
    AuthTokenApi,
    MeApi,
    RegisterApi,
    TokenCollectionApi,
    TokenDetailApi,
    VerifyEmailApi,
)

urlpatterns = [
    path("auth/token", AuthTokenApi.as_view(), name="auth-token"),
    path("auth/register", RegisterApi.as_view(), name="auth-register"),
    path("auth/verify", VerifyEmailApi.as_view(), name="auth-verify"),
    path("auth/tokens", TokenCollectionApi.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:token_id>", TokenDetailApi.as_view(), name="auth-token-detail"),
    path("me", MeApi.as_view(), name="me"),
]
