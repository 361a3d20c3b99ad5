from django.urls import path

from .apis import RealtimeTicketApi

urlpatterns = [
    path("realtime/tickets", RealtimeTicketApi.as_view(), name="realtime-tickets"),
]
