from django.urls import path

from .apis import (
    ProjectCollectionApi,
    ProjectDetailApi,
    ProjectMembersApi,
    VideoCollectionApi,
    VideoDetailApi,
    VideoVersionsApi,
)

urlpatterns = [
    path("projects", ProjectCollectionApi.as_view(), name="projects"),
    path("projects/<uuid:project_id>", ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<uuid:project_id>/members", ProjectMembersApi.as_view(), name="members"),
    path("videos", VideoCollectionApi.as_view(), name="videos"),
    path("videos/<uuid:video_id>", VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<uuid:video_id>/versions", VideoVersionsApi.as_view(), name="video-versions"),
]
