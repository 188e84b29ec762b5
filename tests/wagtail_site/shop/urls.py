from django.urls import include, path
from wagtail import urls as wagtail_urls

from shop import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("", include(wagtail_urls)),
]
