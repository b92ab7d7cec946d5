"""Every stable error code the platform raises, with its Chinese label: one registry.

A ``DomainError`` carries one of these codes; GraphQL exposes them as the ``ErrorCode`` enum of
``userErrors { code }`` so clients switch on a closed set. ``tests/test_error_codes.py`` walks
the source for every code raised and holds it to this registry, so a new code cannot ship
without its entry, and an entry no code raises any more is flagged.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # generic refusals (inspectnet.errors)
    "DOMAIN_ERROR": "操作未能完成",
    "UNAUTHENTICATED": "未登录或登录凭证无效",
    "FORBIDDEN": "无权执行此操作",
    "NOT_FOUND": "对象不存在或无权查看",
    "VALIDATION": "输入不符合要求",
    "CONFLICT": "与现有数据冲突",
    "RULE_VIOLATION": "违反规定",
    # inputs (validation.py, ids, paging, filters, search)
    "REQUIRED": "此项不能为空",
    "TOO_LONG": "超过长度限制",
    "INVALID_CHARACTERS": "含有不允许的字符",
    "INVALID_REGION_CODE": "行政区划代码无效",
    "INVALID_CODE": "代码无效",
    "DATE_OUT_OF_RANGE": "日期超出范围",
    "INVALID_ID": "对象标识无效",
    "TOO_MANY_IDS": "对象过多",
    "INVALID_CURSOR": "分页游标无效",
    "CURSOR_ORDER_MISMATCH": "游标与当前排序或搜索不符",
    "INVALID_PAGINATION": "分页参数无效",
    "PAGE_SIZE_OUT_OF_RANGE": "每页条数超出范围",
    "DEPTH_OUT_OF_RANGE": "层级超出范围",
    "INVALID_RANGE": "范围无效",
    "INVALID_QUERY": "搜索词无效",
    "INVALID_PERIOD": "期间无效",
    # network
    "CODE_TAKEN": "代码已被使用",
    "RULESET_UNKNOWN": "规定不存在",
    "LINK_CYCLE": "联系会形成环路",
    "LINK_EXISTS": "联系已存在",
    "LINK_NOT_FOUND": "联系不存在",
    "PROPOSAL_EXISTS": "已有待处理的联系申请",
    "PROPOSAL_CLOSED": "联系申请已处理",
    "PROPOSER_NOT_AN_END": "申请机构不是联系的一端",
    "REASON_INVALID": "理由无效",
    # people and recusal
    "ALREADY_IN_POOL": "已在库中",
    "ALREADY_RECUSED": "已回避",
    "RECUSAL_ENDED": "回避已结束",
    "IDENTITY_ALREADY_LINKED": "身份已关联",
    # accounts and sign-in
    "ACCOUNT_NOT_FOUND": "账号不存在",
    "INVALID_ACCOUNT_REF": "账号标识无效",
    "INVALID_USERNAME": "用户名无效",
    "USERNAME_TAKEN": "用户名已被使用",
    "ROLE_ALREADY_GRANTED": "角色已授予",
    "ROLE_NOT_GRANTED": "未授予该角色",
    "NOT_AN_OFFICE_ROLE": "不是机构角色",
    "NOT_A_PLATFORM_ROLE": "不是平台角色",
    "PASSWORD_TOO_SHORT": "密码过短",
    "PASSWORD_TOO_LONG": "密码过长",
    "PASSWORD_TOO_COMMON": "密码过于常见",
    "PASSWORD_CONTAINS_NAME": "密码包含用户名或机构代码",
    "PASSWORD_UNCHANGED": "新密码与原密码相同",
    "TOTP_NOT_ENROLLED": "未登记动态口令",
    "TOTP_NOT_ENABLED": "未启用动态口令",
    "TOTP_ALREADY_ENABLED": "已启用动态口令",
    "TOTP_CODE_INVALID": "动态口令无效",
    "TOKEN_EXPIRED": "登录凭证已过期",
    "TOKEN_ISSUER_EXTERNAL": "登录凭证由外部系统签发",
    "SSO_NOT_CONFIGURED": "未配置统一身份认证",
    "SSO_SUBJECT_LINKED": "统一身份已关联其他账号",
    "INVALID_SUBJECT": "统一身份标识无效",
    "POLICY_ROW_INVALID": "策略行无效",
    # rules, calendar, deadlines
    "RULESET_INVALID": "规定文件无效",
    "INVALID_RULE_ID": "规则标识无效",
    "RULE_NOT_IN_RULESET": "规则不属于该规定",
    "CALENDAR_INVALID": "节假日安排无效",
    "CALENDAR_IMPLAUSIBLE": "节假日安排不合常理",
    "CALENDAR_YEAR_EXISTS": "该年节假日安排已存在",
    "CALENDAR_YEAR_NOT_LOADED": "该年节假日安排未载入",
    "MET_WITHOUT_START": "未开始即已完成",
    "MET_BEFORE_START": "完成早于开始",
    # notifications
    "INVALID_RECIPIENTS": "接收人无效",
    "IDS_OR_ALL": "应指定通知或全部",
}
