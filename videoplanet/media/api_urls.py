"""Upload endpoints, under /api/v1/ (their prefix is settings.VIDEO_UPLOAD_PATH_PREFIX)."""

from django.urls import path

from .apis import UploadCollectionApi, UploadCompleteApi, UploadDetailApi

urlpatterns = [
    path("uploads", UploadCollectionApi.as_view(), name="uploads"),
    path("uploads/<uuid:upload_id>", UploadDetailApi.as_view(), name="upload-detail"),
    path("uploads/<uuid:upload_id>/complete", UploadCompleteApi.as_view(), name="upload-complete"),
]
