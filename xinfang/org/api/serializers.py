from rest_framework import serializers

from ..choices import Role, UnitKind
from ..models import Category, Region, Unit, User


class UnitSerializer(serializers.ModelSerializer):
    superior = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "superior", "region", "active"]


class UnitWriteSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9_-]+$", max_length=32, error_messages={"invalid": "单位代码只能包含字母、数字、下划线和连字符。"})
    name = serializers.CharField(max_length=80)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    superior = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    region = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    # default=True: a form-encoded create without ``active`` makes an active unit (DRF would read False).
    active = serializers.BooleanField(required=False, default=True)


class UserSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "roles", "is_active"]


class UserWriteSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    unit = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "level", "parent", "version", "active"]
