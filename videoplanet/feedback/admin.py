from django.contrib import admin

from .models import Comment, Feedback, Reaction


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("video", "timestamp", "priority", "status", "author", "created_at")
    list_filter = ("status", "priority")
    raw_id_fields = ("video", "author")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("feedback", "author", "created_at")
    raw_id_fields = ("feedback", "parent", "author", "mentions")


admin.site.register(Reaction)
