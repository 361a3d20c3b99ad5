"""The peer: the feedback list and create endpoints as a FastAPI service writes them.

Written the way FreeFrame (an open-source FastAPI review tool) writes its routers:
FastAPI dependencies for the database session and the current user, SQLAlchemy 2
``select()`` on declarative models with the author loaded eagerly, pydantic v2 request
and response models (``from_attributes``), plain ``def`` endpoints that FastAPI runs in
its thread pool, uvicorn workers. It reads and writes VideoPlanet's own tables (the
same database and data as the app under test), checks the bearer token and project
membership like the app does, and validates the drawing's shapes with pydantic.

It does less than the app: no cursor or ``Link`` header, no signed screenshot URLs (a
plain URL), no frame or timecode, no contract validation, no room event on create.

    DATABASE_URL=postgres://... uvicorn bench.peer_fastapi.app:app --workers 2
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, String, Uuid, create_engine
from sqlalchemy import select as sa_select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    sessionmaker,
)


def _engine_url(url: str) -> str:
    """Django-style DATABASE_URL → SQLAlchemy URL (psycopg 3 for PostgreSQL)."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


engine = create_engine(
    _engine_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3")),
    pool_size=10,
    pool_pre_ping=False,
)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)
MEDIA_BASE = os.environ.get("PEER_MEDIA_BASE", "http://127.0.0.1/media/")
CONTRIBUTORS = {"owner", "editor", "reviewer"}


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "accounts_user"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(150))
    is_active: Mapped[bool] = mapped_column(Boolean)


class ApiToken(Base):
    __tablename__ = "accounts_apitoken"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts_user.id"))
    user: Mapped[User] = relationship()


class Membership(Base):
    __tablename__ = "projects_membership"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    role: Mapped[str] = mapped_column(String(16))


class Video(Base):
    __tablename__ = "projects_video"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class Feedback(Base):
    __tablename__ = "feedback_feedback"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    video_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects_video.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts_user.id"))
    timestamp: Mapped[float] = mapped_column(Float)
    timestamp_end: Mapped[float | None] = mapped_column(Float, nullable=True)
    content: Mapped[str] = mapped_column(String)
    screenshot: Mapped[str] = mapped_column(String(255), default="")
    drawing_data: Mapped[Any] = mapped_column(JSON, nullable=True)
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[User] = relationship()


# ---- schemas ----


class Style(BaseModel):
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    width: float = Field(gt=0, le=100)


class Shape(BaseModel):
    type: Literal["rectangle", "ellipse", "arrow", "line", "freehand", "text"]
    coordinates: list[float] = Field(min_length=2, max_length=10_000)
    style: Style
    text: str | None = Field(default=None, max_length=500)


class Drawing(BaseModel):
    shapes: list[Shape] = Field(max_length=500)


class FeedbackCreate(BaseModel):
    video_id: uuid.UUID
    timestamp: float = Field(ge=0)
    timestamp_end: float | None = Field(default=None, ge=0)
    content: str = Field(min_length=1, max_length=10_000)
    drawing_data: Drawing | None = None
    priority: Literal["low", "medium", "high", "urgent"] = "medium"


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    email: str


class FeedbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    video_id: uuid.UUID
    timestamp: float
    timestamp_end: float | None
    content: str
    screenshot_url: str | None
    drawing_data: dict[str, Any] | None
    priority: str
    status: str
    user: UserOut
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackOut:
        return cls(
            id=feedback.id,
            video_id=feedback.video_id,
            timestamp=feedback.timestamp,
            timestamp_end=feedback.timestamp_end,
            content=feedback.content,
            screenshot_url=MEDIA_BASE + feedback.screenshot if feedback.screenshot else None,
            drawing_data=feedback.drawing_data,
            priority=feedback.priority,
            status=feedback.status,
            user=UserOut.model_validate(feedback.author),
            created_at=feedback.created_at,
            updated_at=feedback.updated_at,
        )


# ---- dependencies ----


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


DB = Annotated[Session, Depends(get_db)]


def current_user(db: DB, authorization: Annotated[str | None, Header()] = None) -> User:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = db.scalar(
        sa_select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.digest == digest)
    )
    if token is None or not token.user.is_active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid token")
    return token.user


CurrentUser = Annotated[User, Depends(current_user)]


def video_role(db: Session, user: User, video_id: uuid.UUID) -> str:
    role = db.scalar(
        sa_select(Membership.role)
        .join(Video, Video.project_id == Membership.project_id)
        .where(Video.id == video_id, Membership.user_id == user.id)
    )
    if role is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Video not found")
    return role


# ---- the endpoints ----

app = FastAPI(title="FastAPI peer (bench)")


@app.get("/api/v1/feedbacks", response_model=list[FeedbackOut])
def list_feedbacks(
    db: DB,
    user: CurrentUser,
    video_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[FeedbackOut]:
    video_role(db, user, video_id)
    rows = db.scalars(
        sa_select(Feedback)
        .options(joinedload(Feedback.author))
        .where(Feedback.video_id == video_id)
        .order_by(Feedback.timestamp, Feedback.id)
        .limit(limit)
    ).all()
    return [FeedbackOut.of(f) for f in rows]


@app.post("/api/v1/feedbacks", response_model=FeedbackOut, status_code=201)
def create_feedback(db: DB, user: CurrentUser, body: FeedbackCreate) -> FeedbackOut:
    if video_role(db, user, body.video_id) not in CONTRIBUTORS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Viewers cannot post feedback")
    now = datetime.now(UTC)
    feedback = Feedback(
        id=uuid.uuid4(),
        video_id=body.video_id,
        author_id=user.id,
        timestamp=body.timestamp,
        timestamp_end=body.timestamp_end,
        content=body.content,
        screenshot="",
        drawing_data=body.drawing_data.model_dump(exclude_none=True) if body.drawing_data else None,
        priority=body.priority,
        status="open",
        created_at=now,
        updated_at=now,
    )
    db.add(feedback)
    db.commit()
    feedback.author = user
    return FeedbackOut.of(feedback)
