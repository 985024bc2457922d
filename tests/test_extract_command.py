"""`manage.py extract_facts` prints one fact per line in the corpus's JSON format."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_it_prints_facts_as_json_lines(tmp_path):
    path = tmp_path / "通报.txt"
    path.write_text("2025年，某经开区新签约项目41个，总投资额达97.63亿元。", encoding="utf-8")
    out = StringIO()
    call_command("extract_facts", "--jsonl", str(path), stdout=out)
    facts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(f["text"], f["kind"], f["value"], f["metric"]) for f in facts] == [
        ("41个", "count", 41, "新签约项目"),
        ("97.63亿元", "money", 976300, "总投资额"),
    ]
    assert all(f["doc"] == "通报.txt" for f in facts)


def test_an_unreadable_file_is_named_and_fails(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "extract_facts", "--jsonl", str(tmp_path / "缺失.txt"), stdout=StringIO(), stderr=err
        )
    assert "缺失.txt" in err.getvalue()
