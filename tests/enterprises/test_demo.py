"""The demo zone's enterprise services data (acceptance: about 200 firms, valid codes, three years
of figures, tiers, a published 亩均 evaluation, requests, policies and a matchmaking event)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from zonedesk.demo import PASSWORD, build_demo
from zonedesk.enterprises import selectors
from zonedesk.enterprises.models import (
    Certificate,
    Enterprise,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    MuEvaluation,
    Policy,
    ServiceRequest,
)
from zonedesk.lib.uscc import validate_uscc
from zonedesk.zones.models import Organisation, Zone


def test_the_demo_zone_runs_enterprise_services(db):
    build_demo()
    zone = Zone.objects.get(short_name="阳泉高新区")
    firms = Enterprise.objects.filter(zone=zone).select_related("organisation")
    assert firms.count() == 200
    for firm in firms:
        assert validate_uscc(firm.organisation.credit_code) == firm.organisation.credit_code
        assert len(firm.industry_code) == 4
    # The zone's registered companies are enterprises too: one identity.
    assert Organisation.objects.filter(
        zone=zone, kind="zone_company", enterprise__isnull=False
    ).exists()
    year = timezone.localdate().year
    full_years = MonthlyFigure.objects.filter(enterprise__zone=zone, year__in=range(year - 3, year))
    assert full_years.values("enterprise").distinct().count() >= 150
    kinds = set(Certificate.objects.filter(enterprise__zone=zone).values_list("kind", flat=True))
    assert {
        "four_above",
        "tech_sme",
        "high_tech",
        "specialised",
        "little_giant",
        "chain_leader",
    } <= kinds
    evaluation = MuEvaluation.objects.get(zone=zone, year=year - 1)
    assert evaluation.status == MuEvaluation.Status.FINAL
    distribution = selectors.mu_distribution(evaluation)
    assert all(distribution[g] > 0 for g in "ABCDT")
    funnel = {row.tier: row for row in selectors.funnel(zone.pk)}
    assert funnel["high_tech"].held > 0 and funnel["high_tech"].eligible > 0
    assert ServiceRequest.objects.filter(enterprise__zone=zone).count() >= 20
    assert selectors.overdue_requests(zone.pk).exists()
    assert Policy.objects.filter(zone=zone).count() == 5
    assert MatchmakingEvent.objects.filter(zone=zone).count() == 1
    assert FinancingNeed.objects.filter(status="granted").count() == 6
    # The firm's own user signs in and sees its file.
    from zonedesk.accounts.models import User

    qiye = User.objects.get(username="qiye")
    assert qiye.check_password(PASSWORD) and qiye.role == "unit"
    client = Client()
    client.force_login(qiye)
    own = Enterprise.objects.get(organisation=qiye.organisation)
    assert client.get(f"/enterprises/{own.pk}/").status_code == 200
    other = firms.exclude(pk=own.pk).first()
    assert client.get(f"/enterprises/{other.pk}/").status_code == 403
