from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from xinfang.core.api.permissions import AdminWritesStaffReads

from .. import services
from ..models import Category, Region, Unit, User
from .serializers import (
    CategorySerializer,
    RegionSerializer,
    UnitSerializer,
    UnitWriteSerializer,
    UserSerializer,
    UserWriteSerializer,
)


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """单位. Every staff role reads; the admin role creates and edits."""

    queryset = Unit.objects.select_related("superior", "region").order_by("code")
    serializer_class = UnitSerializer
    permission_classes = [AdminWritesStaffReads]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("kind"):
            qs = qs.filter(kind=self.request.query_params["kind"])
        return qs

    @extend_schema(request=UnitWriteSerializer, responses={201: UnitSerializer})
    def create(self, request):
        data = UnitWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = services.unit_create(actor=request.user, **data.validated_data)
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UnitWriteSerializer, responses={200: UnitSerializer})
    def partial_update(self, request, code=None):
        unit = self.get_object()
        data = UnitWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        unit = services.unit_update(actor=request.user, unit=unit, **data.validated_data)
        return Response(UnitSerializer(unit).data)


class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """工作人员. Every staff role reads; the admin role creates."""

    queryset = User.objects.select_related("unit").order_by("username")
    serializer_class = UserSerializer
    permission_classes = [AdminWritesStaffReads]

    @extend_schema(request=UserWriteSerializer, responses={201: UserSerializer})
    def create(self, request):
        data = UserWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class RegionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Region.objects.select_related("parent").order_by("code")
    serializer_class = RegionSerializer
    permission_classes = [AdminWritesStaffReads]


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Category.objects.select_related("parent").order_by("code")
    serializer_class = CategorySerializer
    permission_classes = [AdminWritesStaffReads]
