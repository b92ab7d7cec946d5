"""The targets domain's enums with their labels, declared before any type or input uses them."""

from __future__ import annotations

from inspectnet.graphql.labels import labelled_enum
from inspectnet.targets.models import TargetClass

TARGET_CLASS_LABELS = {
    TargetClass.LOCAL_LEADERSHIP: "盟市、旗县（市、区）党委和人大常委会、政府、政协党组领导班子",
    TargetClass.REGIONAL_DEPARTMENT: "自治区党委工作部门、政府部门、人民团体党组（党委、党工委）领导班子",
    TargetClass.ENTERPRISE_OR_INSTITUTION: "自治区管理的国有企业、金融企业、事业单位党委（党组）领导班子",
    TargetClass.OTHER: "党委要求巡视的其他单位党组织领导班子",
}
TargetClassEnum = labelled_enum(
    TargetClass,
    TARGET_CLASS_LABELS,
    name="TargetClass",
    description="Class of organisation inspected (巡视对象类别, nmg-2016 §17)",
)
