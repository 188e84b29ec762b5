"""The shop's URLs: Shuup's storefront (its admin is not served)."""

from django.conf.urls import include, url

urlpatterns = [url(r"^", include("shuup.front.urls", namespace="shuup"))]
