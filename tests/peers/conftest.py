import io

import pytest

from tests.investment.conftest import inv  # noqa: F401  (the investment world, for leads)

REPORT = (
    "长治高新区2025年工作报告\n"
    "2025年，长治高新区规上工业总产值完成312.5亿元，同比增长8.2%。新签约项目41个，总投资额97.63亿元。\n"
    "智算中心项目总投资6.8亿元，占地面积约120亩。"
)


@pytest.fixture
def report_text() -> str:
    return REPORT


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def report_docx() -> bytes:
    return docx_bytes(REPORT)
