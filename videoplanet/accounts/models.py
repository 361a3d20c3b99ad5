"""Users (uuid id, name, email login), hashed API tokens and pending sign-ups.

Every User owns their email address: sign-up only creates one when the emailed link is
followed, and admins, `createsuperuser` and `seed_demo` create them directly."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 digest is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a request last used it, to the minute (null: never).",
    )

    def __str__(self) -> str:
        return f"token {self.name or self.pk} of {self.user_id}"

    @property
    def active_at(self) -> datetime:
        """When it was last used, or issued: its idle time counts from here."""
        return self.last_used_at or self.created_at

    @property
    def expires_at(self) -> datetime:
        """When it stops working unless used before: API_TOKEN_IDLE_DAYS after use."""
        return self.active_at + timedelta(days=settings.API_TOKEN_IDLE_DAYS)


class SignupRequest(models.Model):
    """A sign-up waiting for its emailed link to be followed.

    Holds what the User will be made of (the password already hashed) and the SHA-256 of
    the link's key. Signing up again with the same email replaces it (and its key).
    """

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    password = models.CharField(max_length=128)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"pending sign-up of {self.email}"
