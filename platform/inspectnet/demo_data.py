"""What the demo network holds: its offices (with their targets), its people and its accounts.

Inner Mongolia's region office with its 12 league/city bodies, some counties and region
departments, and Qinghai's provincial office with the Department of Natural Resources' patrol
office. ``demo.load_demo`` creates whatever of it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspectnet.accounts.models import Role
from inspectnet.accounts.names import sign_in_name
from inspectnet.network.models import OfficeKind
from inspectnet.people.models import PoolKind
from inspectnet.targets.models import TargetClass


@dataclass(frozen=True)
class DemoOffice:
    code: str
    name: str
    kind: OfficeKind
    region_code: str
    ruleset_id: str
    superior: str | None  # code of the office it files to
    guided_by: str | None = None
    targets: tuple[tuple[str, str], ...] = ()  # (name, region code)


def target_class(spec: DemoOffice, name: str) -> TargetClass | None:
    """The demo target's class under nmg-2016 §17; qh-zrzyt §10 names no classes."""
    if spec.ruleset_id != "nmg-2016":
        return None
    if name.endswith("委领导班子") or "人民政府党组" in name:
        return TargetClass.LOCAL_LEADERSHIP  # §17 (一)
    if "直属" in name or "高校" in name:
        return TargetClass.ENTERPRISE_OR_INSTITUTION  # §17 (三): 事业单位
    return TargetClass.OTHER  # §17 (四)


@dataclass(frozen=True)
class DemoUser:
    username: str
    office: str  # code of the office where the role is held, which also keeps the person
    role: Role | None  # None: a target-side account, holding no office role
    person: str
    description: str
    target: str | None = None  # the target (by name) a target-side account is bound to

    @property
    def sign_in_name(self) -> str:
        """What a token names it by: ``officecode/username``."""
        return sign_in_name(self.office, self.username)


NMG, QH = "nmg-2016", "qh-zrzyt"
_LEAGUES = [
    ("hohhot", "呼和浩特市", "150100"),
    ("baotou", "包头市", "150200"),
    ("hulunbuir", "呼伦贝尔市", "150700"),
    ("hinggan", "兴安盟", "152200"),
    ("tongliao", "通辽市", "150500"),
    ("chifeng", "赤峰市", "150400"),
    ("xilingol", "锡林郭勒盟", "152500"),
    ("ulanqab", "乌兰察布市", "150900"),
    ("ordos", "鄂尔多斯市", "150600"),
    ("bayannur", "巴彦淖尔市", "150800"),
    ("wuhai", "乌海市", "150300"),
    ("alxa", "阿拉善盟", "152900"),
]
_COUNTIES = {
    "baotou": [
        ("donghe", "东河区", "150202"),
        ("kundulun", "昆都仑区", "150203"),
        ("tumedyouqi", "土默特右旗", "150221"),
        ("guyang", "固阳县", "150222"),
    ],
    "chifeng": [
        ("hongshan", "红山区", "150402"),
        ("ningcheng", "宁城县", "150429"),
        ("balinzuoqi", "巴林左旗", "150422"),
    ],
}
_REGION_DEPARTMENTS = [
    ("nmg.drc", "自治区发展和改革委员会党组巡察办", "自治区发展和改革委员会直属单位党组织领导班子"),
    ("nmg.nr", "自治区自然资源厅党组巡察办", "自治区自然资源厅直属单位党组织领导班子"),
    ("nmg.edu", "自治区教育厅党组巡察办", "自治区教育厅直属高校党委领导班子"),
]


def demo_offices() -> list[DemoOffice]:
    """Every office of the demo, superiors before subordinates."""
    offices = [
        DemoOffice(
            "nmg.region",
            "内蒙古自治区党委巡视工作领导小组办公室",
            OfficeKind.REGIONAL_OFFICE,
            "150000",
            NMG,
            None,
            targets=tuple((f"{name}委领导班子", code) for _, name, code in _LEAGUES),
        )
    ]
    for slug, name, code in _LEAGUES:
        counties = _COUNTIES.get(slug, [])
        offices.append(
            DemoOffice(
                f"nmg.{slug}",
                f"{name}巡视工作联络组办公室",
                OfficeKind.LIAISON_BODY,
                code,
                NMG,
                "nmg.region",
                guided_by="nmg.region",
                targets=(
                    *((f"{c_name}委领导班子", c_code) for _, c_name, c_code in counties),
                    (f"{name}教育局党组领导班子", code),
                ),
            )
        )
        for c_slug, c_name, c_code in counties:
            offices.append(
                DemoOffice(
                    f"nmg.{slug}.{c_slug}",
                    f"{c_name}委巡察工作领导小组办公室",
                    OfficeKind.PATROL_OFFICE,
                    c_code,
                    NMG,
                    f"nmg.{slug}",
                    targets=((f"{c_name}人民政府党组领导班子", c_code),),
                )
            )
    for code, name, target in _REGION_DEPARTMENTS:
        offices.append(
            DemoOffice(
                code,
                name,
                OfficeKind.DEPARTMENTAL_PATROL_OFFICE,
                "150000",
                NMG,
                "nmg.region",
                targets=((target, "150000"),),
            )
        )
    offices.append(
        DemoOffice(
            "qh.province",
            "青海省委巡视工作领导小组办公室",
            OfficeKind.REGIONAL_OFFICE,
            "630000",
            QH,
            None,
        )
    )
    offices.append(
        DemoOffice(
            "qh.dnr",
            "青海省自然资源厅党组巡察工作领导小组办公室",
            OfficeKind.DEPARTMENTAL_PATROL_OFFICE,
            "630000",
            QH,
            "qh.province",
            targets=(
                ("青海省地质矿产勘查开发局党委领导班子", "630000"),
                ("青海省自然资源综合调查监测院党委领导班子", "630000"),
                ("青海省国土空间规划研究院党总支领导班子", "630000"),
                ("青海省自然资源厅不动产登记中心党支部领导班子", "630000"),
                ("西宁市自然资源和规划局党组领导班子", "630100"),
            ),
        )
    )
    return offices


DEMO_USERS = [
    DemoUser("region_admin", "nmg.region", Role.OFFICE_ADMIN, "乌云其木格", "自治区巡视办管理员"),
    DemoUser("region_auditor", "nmg.region", Role.AUDITOR, "王建国", "自治区巡视办审计员"),
    DemoUser("baotou_admin", "nmg.baotou", Role.OFFICE_ADMIN, "李志强", "包头市联络组办公室管理员"),
    DemoUser(
        "baotou_member", "nmg.baotou", Role.OFFICE_MEMBER, "张丽华", "包头市联络组办公室工作人员"
    ),
    # Sits on Baotou's liaison group (bodies/demo.py), so signing in needs a second factor.
    DemoUser(
        "baotou_leader", "nmg.baotou", Role.OFFICE_MEMBER, "高志远", "包头市巡视工作联络组成员"
    ),
    DemoUser(
        "chifeng_admin", "nmg.chifeng", Role.OFFICE_ADMIN, "巴特尔", "赤峰市联络组办公室管理员"
    ),
    DemoUser(
        "qh_province_admin", "qh.province", Role.OFFICE_ADMIN, "马海燕", "青海省委巡视办管理员"
    ),
    DemoUser("qh_dnr_admin", "qh.dnr", Role.OFFICE_ADMIN, "韩明", "自然资源厅党组巡察办管理员"),
    # The region's inspection teams (demo_work.py): roles held in each inspection they are on.
    DemoUser("team_leader", "nmg.region", Role.OFFICE_MEMBER, "苏日娜", "巡视组组长（各轮巡视）"),
    DemoUser("team_member", "nmg.region", Role.OFFICE_MEMBER, "刘建军", "巡视组组员（各轮巡视）"),
    DemoUser("intake_handler", "nmg.region", Role.OFFICE_MEMBER, "陈静", "巡视组信访受理人员"),
    # 被巡视党组织: bound to the target fed back, it reads the notice, feedback and rectification.
    DemoUser(
        "tongliao_side",
        "nmg.region",
        None,
        "包海龙",
        "通辽市委办公室（被巡视党组织联系人）",
        target="通辽市委领导班子",
    ),
]

# The people of each office, by code: (name, unit, rank, home region, expertise, pool). The
# expertise names expertise.* rules of the office's ruleset (nmg-2016 §11(4), qh-zrzyt §9).
PEOPLE: dict[str, list[tuple[str, str, str, str, list[str], PoolKind]]] = {
    "nmg.region": [
        (
            "乌云其木格",
            "自治区党委巡视办",
            "正厅级",
            "150100",
            ["expertise.party_affairs", "expertise.policy_law"],
            PoolKind.LEADER,
        ),
        (
            "王建国",
            "自治区党委巡视办",
            "正处级",
            "150200",
            ["expertise.policy_law"],
            PoolKind.TALENT,
        ),
        # Natives of Hohhot: no demo inspection is of Hohhot, so none of them is recused by
        # region from a team (inspections/recusal).
        (
            "苏日娜",
            "自治区党委巡视办",
            "正处级",
            "150100",
            ["expertise.party_affairs"],
            PoolKind.LEADER,
        ),
        (
            "刘建军",
            "自治区审计厅",
            "副处级",
            "150100",
            ["expertise.policy_law"],
            PoolKind.TALENT,
        ),
        (
            "陈静",
            "自治区党委巡视办",
            "正科级",
            "150100",
            ["expertise.party_affairs"],
            PoolKind.TALENT,
        ),
        (
            "包海龙",
            "通辽市委办公室",
            "正科级",
            "150500",
            ["expertise.party_affairs"],
            PoolKind.TALENT,
        ),
    ],
    "nmg.baotou": [
        (
            "李志强",
            "包头市纪委监委",
            "副厅级",
            "150200",
            ["expertise.party_affairs", "expertise.policy_law"],
            PoolKind.LEADER,
        ),
        (
            "张丽华",
            "包头市委组织部",
            "正科级",
            "150203",
            ["expertise.party_affairs"],
            PoolKind.TALENT,
        ),
        (
            "高志远",
            "包头市委巡察办",
            "正处级",
            "150202",
            ["expertise.party_affairs"],
            PoolKind.LEADER,
        ),
    ],
    "nmg.chifeng": [
        (
            "巴特尔",
            "赤峰市纪委监委",
            "副厅级",
            "150400",
            ["expertise.party_affairs"],
            PoolKind.LEADER,
        ),
        ("刘秀英", "赤峰市审计局", "正科级", "150402", ["expertise.policy_law"], PoolKind.TALENT),
    ],
    "qh.province": [
        (
            "马海燕",
            "青海省委巡视办",
            "正处级",
            "630100",
            ["expertise.party_building"],
            PoolKind.TALENT,
        )
    ],
    "qh.dnr": [
        (
            "韩明",
            "青海省自然资源厅直属机关纪委",
            "正处级",
            "630100",
            ["expertise.natural_resources", "expertise.discipline"],
            PoolKind.LEADER,
        ),
        (
            "才让东主",
            "青海省自然资源厅财务处",
            "副处级",
            "632200",
            ["expertise.finance_audit"],
            PoolKind.TALENT,
        ),
        (
            "赵文静",
            "青海省自然资源厅法规处",
            "四级调研员",
            "630100",
            ["expertise.policy_law"],
            PoolKind.TALENT,
        ),
    ],
}
