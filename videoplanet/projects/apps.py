from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "videoplanet.projects"
    label = "projects"
