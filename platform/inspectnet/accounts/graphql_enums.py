"""The accounts domain's enums with their labels, declared before any type or input uses them."""

from __future__ import annotations

from inspectnet.accounts.models import Role
from inspectnet.graphql.labels import labelled_enum

ROLE_LABELS = {
    Role.OFFICE_ADMIN: "办公室管理员",
    Role.OFFICE_MEMBER: "工作人员",
    Role.AUDITOR: "审计员",
    Role.PLATFORM_OPERATOR: "平台运维",
}
RoleEnum = labelled_enum(Role, ROLE_LABELS, name="Role", description="Role in an office (角色)")
