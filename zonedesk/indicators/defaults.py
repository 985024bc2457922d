"""The catalogue shipped with zonedesk: the monthly set a Shanxi zone reports (DOMAIN.md §5.3).
Installed by a data migration and, idempotently, by the demo and the tests (a transactional test
flushes migration data)."""

from __future__ import annotations

# code, name, unit, frequency, pricing, kind, has_level, has_growth, january, parent, headline, note
CATALOGUE = [
    ("IVA", "规上工业增加值增速", "%", "monthly", "real", "cumulative", False, True, False, "", True,
     "可比价增速，只发布增速；1月不单独发布"),
    ("IOUT", "规上工业总产值", "亿元", "monthly", "nominal", "cumulative", True, True, False, "", False,
     "1月不单独发布"),
    ("FAI", "固定资产投资（不含农户）", "亿元", "monthly", "nominal", "cumulative", True, True, False, "",
     True, "500万元及以上项目投资＋房地产开发投资；1月不单独发布；财务支出法"),
    ("FAI_IND", "工业投资", "亿元", "monthly", "nominal", "cumulative", True, True, False, "FAI", False,
     "固定资产投资中的工业投资"),
    ("FAI_PROJ", "项目投资", "亿元", "monthly", "nominal", "cumulative", True, True, False, "FAI", False,
     "固定资产投资中扣除房地产开发投资的部分"),
    ("RETAIL", "社会消费品零售总额", "亿元", "monthly", "nominal", "cumulative", True, True, False, "",
     True, "1-2月合并发布"),
    ("BUDGET", "一般公共预算收入", "万元", "monthly", "nominal", "cumulative", True, True, True, "", True,
     "完成年初预算比例对照序时进度"),
    ("TAX", "税收收入", "万元", "monthly", "nominal", "cumulative", True, True, True, "BUDGET", False,
     "一般公共预算收入中的税收收入"),
    ("TRADE", "进出口总额", "万元", "monthly", "nominal", "cumulative", True, True, True, "", False,
     "海关数据"),
    ("FDI", "实际使用外资", "万美元", "monthly", "nominal", "cumulative", True, True, True, "", False, ""),
    ("OUTSIDE", "省外到位资金", "亿元", "monthly", "nominal", "cumulative", True, True, True, "", False,
     "国内省外到位资金"),
    ("POWER", "用电量", "万千瓦时", "monthly", "nominal", "cumulative", True, True, True, "", False,
     "全社会用电量"),
    ("HNTE", "高新技术企业数", "家", "monthly", "nominal", "point", True, False, True, "", False,
     "有效期内的高新技术企业，时点数"),
    ("RD", "R&D经费投入", "万元", "annual", "nominal", "cumulative", True, True, True, "", False,
     "年度统计，年末报数"),
]  # fmt: skip


def install_default_catalogue(Indicator) -> int:
    """Create or refresh the shipped indicators; returns how many were created."""
    made = 0
    by_code = {}
    for order, row in enumerate(CATALOGUE, start=1):
        code, name, unit, freq, pricing, kind, level, growth, jan, parent, headline, note = row
        obj, created = Indicator.objects.update_or_create(
            zone=None,
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "frequency": freq,
                "pricing": pricing,
                "kind": kind,
                "has_level": level,
                "has_growth": growth,
                "january_reported": jan,
                "parent": by_code.get(parent),
                "sort_order": order * 10,
                "headline": headline,
                "note": note,
            },
        )
        by_code[code] = obj
        made += created
    return made
