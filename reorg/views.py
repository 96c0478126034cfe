from django.views import View

from reorg.models import Reorganization


class ReorganizationListView(View):
    pass


class ReorganizationCreateView(View):
    pass


class AsOfView(View):
    pass


class ReorganizationDetailView(View):
    model = Reorganization


class ReorganizationApplyView(View):
    model = Reorganization


class ReorganizationCancelView(View):
    model = Reorganization
