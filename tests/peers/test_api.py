"""POST /api/facts/extract: text in, facts out, with the API's token and Chinese errors."""

import json
import secrets

import pytest
from django.test import Client

from zonedesk.accounts.models import ApiToken

from .conftest import REPORT

pytestmark = pytest.mark.django_db


def call(user, body, **extra):
    headers = {}
    if user is not None:
        key = secrets.token_urlsafe(16)
        ApiToken.objects.create(user=user, prefix=key[:8], key_hash=ApiToken.hash_key(key))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return Client().post(
        "/api/facts/extract", data=body, content_type="application/json", **headers, **extra
    )


def test_extract_returns_facts(world):
    response = call(world.econ, json.dumps({"text": REPORT, "doc": "报告.txt"}))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    first = data["facts"][0]
    assert (first["text"], first["kind"], first["value"], first["unit"], first["metric"]) == (
        "312.5亿元",
        "money",
        3125000,
        "万元",
        "规上工业总产值",
    )
    assert first["doc"] == "报告.txt" and REPORT[first["char_start"] :].startswith("312.5亿元")


def test_empty_text_is_422_in_chinese(world):
    response = call(world.econ, json.dumps({"text": " "}))
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "数据校验未通过：文本为空，请粘贴报告或新闻的正文，或上传文件。"
    )


def test_missing_field_and_bad_json(world):
    response = call(world.econ, json.dumps({}))
    assert response.status_code == 422
    assert response.json()["detail"] == "字段 text：缺少必填字段"
    assert call(world.econ, "{not json").status_code in (400, 422)


def test_body_over_limit_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = call(world.econ, json.dumps({"text": "新签约项目41个。" * 500}, ensure_ascii=False))
    assert response.status_code == 413
    assert response.json()["detail"].startswith("请求内容过大")


def test_without_token_and_for_unit_refused(world):
    assert call(None, json.dumps({"text": REPORT})).status_code == 401
    response = call(world.unit, json.dumps({"text": REPORT}))
    assert response.status_code == 403
    assert response.json()["detail"] == "项目单位填报员无权使用对标情报"
