"""A test-only URL configuration: the real one plus throwaway views that ignore the scope, each leaking province B
in its own way, so the isolation walker (test_scope_isolation.py) can prove it would notice."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from config.urls import urlpatterns as real_urlpatterns
from members.models import Member


class LeakByStatus(View):
    """Finds any member, whatever the caller's scope: 200 for B's, 404 for none (names nothing)."""

    model = Member

    def get(self, request, pk):
        get_object_or_404(Member.objects.all(), pk=pk)
        return HttpResponse("ok")


class LeakNames(View):
    model = Member

    def get(self, request):
        return HttpResponse(", ".join(Member.objects.values_list("full_name", flat=True)))


class LeakIds(View):
    """Only ids, as an API would list them; and a crash on POST (a 5xx must be reported too)."""

    model = Member

    def get(self, request):
        return JsonResponse({"results": [{"id": pk} for pk in Member.objects.values_list("pk", flat=True)]})

    def post(self, request):
        raise RuntimeError("planted crash")


class LeakLinks(View):
    def get(self, request):
        return HttpResponse("".join(f'<a href="/members/{pk}/">x</a>' for pk in Member.objects.values_list("pk",
                                                                                                           flat=True)))


class LeakExport(View):
    def get(self, request):
        return StreamingHttpResponse((f"{name}\n" for name in Member.objects.values_list("full_name", flat=True)),
                                     content_type="text/csv")


class LeakEcho(View):
    """Shows the member named in the posted body, without asking whether the caller may see it."""

    def get(self, request):
        return HttpResponse("nothing here")

    def post(self, request):
        member = Member.objects.filter(pk=request.POST.get("member") or 0).first()
        return HttpResponse(member.full_name if member else "none")


urlpatterns = [
    path("leak/member/<int:pk>/", LeakByStatus.as_view()),
    path("leak/names/", LeakNames.as_view()),
    path("leak/ids/", LeakIds.as_view()),
    path("leak/links/", LeakLinks.as_view()),
    path("leak/export/", LeakExport.as_view()),
    path("leak/echo/", LeakEcho.as_view()),
    *real_urlpatterns,
]
