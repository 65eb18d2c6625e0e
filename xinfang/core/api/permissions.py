from rest_framework.permissions import SAFE_METHODS, BasePermission

from xinfang.org.choices import Role


class IsStaff(BasePermission):
    """Any active staff account with at least one role."""

    message = "您的账号没有任何角色，无权访问。"

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and (user.roles or user.is_superuser))


class AdminWritesStaffReads(IsStaff):
    """Reference data: every staff role reads, the admin role writes (api-v1.md)."""

    message = "只有系统管理员可以修改基础数据。"

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return request.user.has_role(Role.ADMIN) or request.user.is_superuser
