"""Only the bare-template page (at / too, where the bench waits for the server to answer),
for bench/settings_bare.py."""

from django.urls import path

from bench.urls import bare

urlpatterns = [
    path("", bare),
    path("bench/bare/", bare, name="bench_bare"),
]
