"""Default 节点模板 per project category: (step, days before the target date). The target is the
planned production date, else the planned completion date. Zones edit these in 系统管理."""

from __future__ import annotations

TEMPLATES = {
    "industry": ("产业项目标准节点", [
        ("立项备案", 540), ("用地", 480), ("规划许可", 420), ("施工许可", 380), ("开工", 360),
        ("主体封顶", 180), ("竣工验收", 30), ("投产", 0),
    ]),
    "infrastructure": ("基础设施项目标准节点", [
        ("立项批复", 540), ("可研批复", 480), ("用地", 420), ("施工许可", 380), ("开工", 360),
        ("主体完工", 90), ("竣工验收", 15), ("交付使用", 0),
    ]),
    "livelihood": ("民生项目标准节点", [
        ("立项批复", 480), ("用地", 420), ("规划许可", 390), ("施工许可", 370), ("开工", 360),
        ("主体封顶", 150), ("竣工验收", 20), ("交付使用", 0),
    ]),
    "ecology": ("生态项目标准节点", [
        ("立项批复", 300), ("方案批复", 240), ("开工", 210), ("完工", 30), ("验收", 0),
    ]),
    "urban_renewal": ("城市更新项目标准节点", [
        ("立项批复", 420), ("改造方案批复", 360), ("征收腾退", 300), ("开工", 270),
        ("完工", 30), ("验收交付", 0),
    ]),
}  # fmt: skip


def install_default_templates(template_model, step_model) -> int:
    """Create the shared templates that are missing (models passed in so a data migration can
    use its historical models). Returns how many were created."""
    created = 0
    for category, (name, steps) in TEMPLATES.items():
        if template_model.objects.filter(category=category, zone__isnull=True).exists():
            continue
        template = template_model.objects.create(category=category, name=name)
        step_model.objects.bulk_create(
            step_model(template=template, name=step, order=i, days_before_target=days)
            for i, (step, days) in enumerate(steps, start=1)
        )
        created += 1
    return created
