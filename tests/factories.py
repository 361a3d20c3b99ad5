"""factory_boy factories for the domain."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Any

import factory
from django.utils import timezone
from PIL import Image

from videoplanet.accounts.models import User
from videoplanet.feedback.models import Comment, Feedback, thread_segment
from videoplanet.projects.models import Membership, Project, Role, Video


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.REVIEWER


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Cut {n}")
    url = "https://example.com/video.mp4"
    duration = 120.0


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    video = factory.SubFactory(VideoFactory)
    author = factory.SubFactory(UserFactory)
    timestamp = factory.Sequence(lambda n: float(n % 100))
    content = factory.Sequence(lambda n: f"Note {n}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    id = factory.LazyFunction(uuid.uuid4)
    feedback = factory.SubFactory(FeedbackFactory)
    parent = None
    author = factory.SubFactory(UserFactory)
    content = factory.Sequence(lambda n: f"Comment {n}")
    thread_path = factory.LazyAttribute(
        lambda c: (c.parent.thread_path if c.parent else "") + thread_segment(timezone.now(), c.id)
    )


def image_data_url(
    fmt: str = "PNG", size: tuple[int, int] = (4, 3), color: Any = (255, 0, 0)
) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    mime = {"PNG": "png", "WEBP": "webp", "JPEG": "jpeg"}[fmt]
    return f"data:image/{mime};base64,{base64.b64encode(buffer.getvalue()).decode()}"
