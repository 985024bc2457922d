"""Reading uploaded sheets (读取上传的表格): Django-free.

`read_table` takes the bytes of an upload and returns the rows of the sheet that best matches a
list of `Column`s, with the header located and mapped, every cell parsed, and every problem as a
`Problem` (row, column, value, reason in Chinese). Nothing here touches the database; resolving
names to records, matching natural keys and saving live in `sheets.py` and `services.py`.

What real ledgers look like, and what this module does about it:

- .xlsx/.xlsm/.ods and .xls are read with python-calamine (cached values of formulas, never
  evaluated); .csv in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
  GBK/GB18030 is detected, not asked.
- A title row and notes above the header, a two-row merged header (完成投资 over 本年 / 自开工累计),
  synonyms and units in the header (总投资（亿元）), columns in any order, extra columns (ignored
  and listed), a 合计 row, section rows merged across the table (一、产业项目), an example row of
  our template, and a 填报说明 block below the data are recognised.
- Cells merged down several rows (a department written once for its projects) are filled down.
- Refused with a clear message, never a crash: empty files, files over the size limit, other
  formats renamed (.docx, .pdf, images, web pages saved as .xls), password-protected workbooks,
  truncated or corrupt files, zip bombs, too many rows or cells, formulas without a cached value.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import python_calamine as calamine

from zonedesk.lib.uscc import UsccError, validate_uscc
from zonedesk.lib.values import (
    AREA_UNITS,
    MONEY_UNITS,
    ValueParseError,
    normalize_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_money,
    split_header_unit,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an upload may be. Defaults are the issue's; `services.limits()` reads settings."""

    max_bytes: int = 20 * MB
    max_rows: int = 250_000
    max_cells: int = 8_000_000
    # Zip bombs: the unpacked size of all members, and the packing ratio of any large member.
    max_unzipped_bytes: int = 600 * MB
    max_ratio: int = 200


class ReadError(Exception):
    """The file as a whole cannot be read; `.message` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: 行 (sheet row, 1-based; 0 for the file), 列, 值, 原因."""

    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


# --- columns -----------------------------------------------------------------------------------

KINDS = {"text", "code", "money", "area", "decimal", "int", "date", "bool", "choice", "uscc"}


@dataclass(frozen=True)
class Column:
    """One column a sheet understands: its key, the header in our template, the other names it
    goes by in real ledgers, and how its cells are read."""

    key: str
    label: str
    kind: str = "text"
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the column must be present in the file
    unit: str | None = None  # the unit values are stored in (万元, 亩, 平方米)
    choices: tuple[str, ...] = ()  # the labels offered in the template's drop-down
    max_length: int | None = None
    note: str = ""  # shown as a comment on the template's header cell
    example: object = None
    width: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind}")

    @property
    def header(self) -> str:
        return (
            f"{self.label}（{self.unit}）"
            if self.unit and self.kind in ("money", "area")
            else self.label
        )

    def names(self) -> set[str]:
        return {header_key(self.label), *(header_key(s) for s in self.synonyms)}


_PUNCT = re.compile(r"[\s\-_/|·:：、.()（）【】\[\]*＊※#]+")


def header_key(text: str) -> str:
    """The comparable form of a header name: NFKC, no spaces or punctuation, no required mark."""
    return _PUNCT.sub("", normalize_text(text)).lower()


# --- files -------------------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FOREIGN_MAGIC = [
    (b"%PDF", "PDF文件"),
    (b"\x89PNG", "PNG图片"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"GIF8", "GIF图片"),
    (b"Rar!", "RAR压缩包"),
    (b"7z\xbc\xaf", "7z压缩包"),
    (b"\x1f\x8b", "gzip压缩包"),
    (b"{\\rtf", "RTF文档"),
]
_NOT_EXCEL = "请上传Excel文件（.xlsx/.xls）或CSV文件。"


def sniff_format(data: bytes, filename: str = "") -> str:
    """'xlsx', 'ods', 'xls' or 'csv' from the content (the extension is not trusted)."""
    if not data:
        raise ReadError("文件为空。")
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if head == OLE2:
        return _sniff_ole(data)
    for magic, what in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise ReadError(f"该文件是{what}，不是Excel表格。{_NOT_EXCEL}")
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise ReadError(
            "该文件实为网页（HTML/XML）格式，只是扩展名为.xls。请在Excel中打开后“另存为”.xlsx再上传。"
        )
    return "csv"


def _sniff_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(
            "文件不完整或已损坏（压缩结构无法打开），请重新导出或另存后再上传。"
        ) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise ReadError("暂不支持.xlsb二进制工作簿，请在Excel中另存为.xlsx后上传。")
        return "xlsx"
    if "word/document.xml" in names:
        raise ReadError(f"该文件是Word文档（.docx），不是Excel表格。{_NOT_EXCEL}")
    if any(name.startswith("ppt/") for name in names):
        raise ReadError(f"该文件是PowerPoint演示文稿，不是Excel表格。{_NOT_EXCEL}")
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        raise ReadError(f"该文件是OpenDocument文本或演示文稿，不是表格。{_NOT_EXCEL}")
    raise ReadError(f"该文件是普通压缩包（.zip），不是Excel表格。{_NOT_EXCEL}")


def _sniff_ole(data: bytes) -> str:
    if (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise ReadError(
            "该工作簿设置了打开密码，系统无法读取。请在Excel中取消密码（文件→信息→保护工作簿）后另存再上传。"
        )
    if "WordDocument".encode("utf-16-le") in data:
        raise ReadError(f"该文件是Word文档（.doc），不是Excel表格。{_NOT_EXCEL}")
    if "PowerPoint Document".encode("utf-16-le") in data:
        raise ReadError(f"该文件是PowerPoint演示文稿，不是Excel表格。{_NOT_EXCEL}")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    raise ReadError(f"无法识别的Office文件。{_NOT_EXCEL}")


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Refuse zip bombs before anything is unpacked: the declared sizes must stay under the limit
    and no large member may be packed more tightly than a spreadsheet plausibly is."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.flag_bits & 0x1:
            raise ReadError("该工作簿已加密，系统无法读取。请取消密码后另存再上传。")
        if info.file_size > 4 * MB and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ReadError(
                f"文件解压后异常膨胀（{info.filename} 压缩比超过{limits.max_ratio}倍），疑似压缩炸弹，已拒绝读取。"
            )
    if total > limits.max_unzipped_bytes:
        raise ReadError(
            f"文件解压后为{total // MB} MB，超过{limits.max_unzipped_bytes // MB} MB的上限，已拒绝读取。"
            "请删除多余的工作表或拆分文件。"
        )
    return archive


# --- the result --------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    number: int  # the sheet's row number (1-based), as people see it in Excel
    values: dict[str, object]  # column key → parsed value (None for an empty cell)
    # Column key → the cell as read (not copied to text: `cell_text` shows it in a message).
    raw: dict[str, object]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based; the lower row of a two-row header
    columns: dict[str, str]  # column key → the header as written in the file
    rows: list[Row]
    ignored_columns: list[str]
    notes: list[str]
    problems: list[Problem]  # about the file as a whole (header, columns); cells' are on rows
    units: dict[str, str | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(row.problems for row in self.rows)


# --- reading -------------------------------------------------------------------------------------

SCAN_ROWS = 30  # the header must be within the first rows
_STOP = re.compile(r"^(填报说明|填表说明|说明|备注|注)\s*[:：]?|^注\d*[:：.、]")
_TOTAL = re.compile(r"^(合\s*计|总\s*计|小\s*计|总合计)")
_EXAMPLE = re.compile(r"^(示例[:：]|[（(]示例[)）])")
_SECTION = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def read_table(
    data: bytes,
    *,
    columns: list[Column],
    filename: str = "",
    limits: Limits | None = None,
) -> Table:
    """Read the sheet of `data` whose header best matches `columns`; raises ReadError when the
    file as a whole cannot be used."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ReadError(
            f"文件大小为{len(data) / MB:.1f} MB，超过{limits.max_bytes / MB:.0f} MB的上限。请拆分后分批导入。"
        )
    fmt = sniff_format(data, filename)
    if fmt == "csv":
        grids = [_read_csv(data, limits)]
    else:
        grids = _read_workbook(data, fmt, limits)
    notes: list[str] = []
    best: tuple[int, _Grid, _Header] | None = None
    for grid in grids:
        if grid.hidden:
            notes.append(f"工作表“{grid.name}”为隐藏工作表，已忽略。")
            continue
        header = _find_header(grid.rows, grid.merged, columns)
        if header is not None and (best is None or header.score > best[0]):
            best = (header.score, grid, header)
    if best is None:
        required = "、".join(c.label for c in columns if c.required) or columns[0].label
        raise ReadError(
            f"没有找到表头：前{SCAN_ROWS}行中没有一行包含“{required}”等列名。请确认上传的是正确的表格，"
            "或下载模板对照填写。"
        )
    _, grid, header = best
    return _build_table(grid, header, columns, notes, limits)


@dataclass
class _Grid:
    name: str
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    hidden: bool = False
    formula_gaps: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 0-based


def _read_workbook(data: bytes, fmt: str, limits: Limits) -> list[_Grid]:
    sheet_xml: dict[str, str] = {}
    if fmt in ("xlsx", "ods"):
        archive = check_zip(data, limits)
        if fmt == "xlsx":
            sheet_xml = _sheet_paths(archive)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise ReadError("该工作簿设置了打开密码，系统无法读取。请取消密码后另存再上传。") from exc
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise ReadError(
            "文件不完整或已损坏，无法读取。请在Excel中打开后另存为.xlsx再上传。"
        ) from exc
    grids = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            if hidden:
                grids.append(_Grid(meta.name, [], [], hidden=True))
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
            except (calamine.CalamineError, OSError, ValueError) as exc:
                raise ReadError(f"工作表“{meta.name}”已损坏，无法读取。请另存后再上传。") from exc
            if sheet.height * sheet.width > limits.max_cells:
                raise ReadError(
                    f"工作表“{meta.name}”有{sheet.height}行×{sheet.width}列，超过{limits.max_cells:,}个单元格的上限。"
                    "请删除多余的行列（如整列格式）或拆分文件。"
                )
            if sheet.height > limits.max_rows + SCAN_ROWS:
                raise ReadError(
                    f"工作表“{meta.name}”有{sheet.height:,}行，超过{limits.max_rows:,}行的上限。请拆分后分批导入。"
                )
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
            gaps: set[tuple[int, int]] = set()
            if meta.name in sheet_xml:
                gaps = _formula_gaps(archive, sheet_xml[meta.name], limits)
            grids.append(_Grid(meta.name, rows, merged, formula_gaps=gaps))
    except calamine.CalamineError as exc:
        raise ReadError(
            "文件不完整或已损坏，无法读取。请在Excel中打开后另存为.xlsx再上传。"
        ) from exc
    finally:
        book.close()
    if not grids:
        raise ReadError("工作簿中没有工作表。")
    return grids


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', re.S)
_SHEET_ALT = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"', re.S)
_REL = re.compile(
    rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"',
    re.S,
)


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet XML member, from workbook.xml and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        path = target.decode("utf-8", "replace")
        path = path[1:] if path.startswith("/") else "xl/" + path
        targets[rid] = path
    names = {}
    pairs = [(m.group(1), m.group(2)) for m in _SHEET.finditer(workbook)]
    if not pairs:
        pairs = [(m.group(2), m.group(1)) for m in _SHEET_ALT.finditer(workbook)]
    for name, rid in pairs:
        if rid in targets:
            names[_xml_unescape(name.decode("utf-8", "replace"))] = targets[rid]
    return names


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_CHUNK = 4 * MB


def _formula_gaps(archive: zipfile.ZipFile, member: str, limits: Limits) -> set[tuple[int, int]]:
    """Cells holding a formula without a cached value (a file written by a program and never
    opened in Excel). Streams the worksheet XML, counting what it unpacks (zip-bomb guard)."""
    gaps: set[tuple[int, int]] = set()
    try:
        stream = archive.open(member)
    except KeyError:
        return gaps
    unpacked = 0
    carry = b""
    with stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            unpacked += len(chunk)
            if unpacked > limits.max_unzipped_bytes:
                raise ReadError("文件解压后超过上限，疑似压缩炸弹，已拒绝读取。")
            buffer = carry + chunk
            cut = buffer.rfind(b"</c>")
            cut = len(buffer) if cut < 0 else cut + 4
            if len(buffer) - cut > 1 * MB:  # a pathological cell; keep moving
                cut = len(buffer)
            body, carry = buffer[:cut], buffer[cut:]
            if not _FORMULA.search(body):
                continue
            for match in _FORMULA.finditer(body):
                start = max(
                    body.rfind(b"<c ", 0, match.start()), body.rfind(b"<c>", 0, match.start())
                )
                end = body.find(b"</c>", match.start())
                if start < 0 or end < 0:
                    continue
                cell = body[start : end + 4]
                if _VALUE.search(cell):
                    continue
                ref = _CELL_REF.search(cell)
                if ref:
                    gaps.add((int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    return gaps


def _col_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_csv(data: bytes, limits: Limits) -> _Grid:
    text = decode_text(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(list(row))
            if len(rows) > limits.max_rows + SCAN_ROWS:
                raise ReadError(f"CSV文件超过{limits.max_rows:,}行的上限。请拆分后分批导入。")
    except csv.Error as exc:
        raise ReadError(
            f"CSV文件格式有误（第{reader.line_num}行）：引号不成对或字段中含有非法字符。"
        ) from exc
    width = max((len(r) for r in rows), default=0)
    if len(rows) * width > limits.max_cells:
        raise ReadError(
            f"CSV文件有{len(rows)}行×{width}列，超过{limits.max_cells:,}个单元格的上限。"
        )
    return _Grid("CSV", rows, [])


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK
    and GB2312, what Chinese Excel writes). Binary content is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError("文件编码无法识别（UTF-16内容有误）。") from exc
    if b"\x00" in data[:65536]:
        raise ReadError(f"该文件是二进制文件，不是Excel表格或CSV文本。{_NOT_EXCEL}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > 8:
            raise ReadError(f"该文件含有大量控制字符，不是CSV文本。{_NOT_EXCEL}")
        return text
    raise ReadError(
        "文件编码无法识别：既不是UTF-8也不是GBK/GB18030。请在Excel中另存为“CSV UTF-8”或.xlsx后上传。"
    )


# --- the header ------------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int  # 0-based index of the (lower) header row
    two_rows: bool
    score: int
    mapping: dict[int, tuple[str, str, str | None]]  # col index → (key, header as written, unit)
    ignored: list[str]
    duplicates: list[tuple[str, str, str]]  # (label, first header, second header)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


cell_text = _cell_text  # a cell as people see it, for messages


def _merged_fill(
    rows: list[list[object]], merged, top: int, bottom: int
) -> dict[tuple[int, int], object]:
    """Values of merged header cells repeated over the cells they cover (header rows only)."""
    fill = {}
    for (r1, c1), (r2, c2) in merged:
        if r2 < top or r1 > bottom:
            continue
        value = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else ""
        for r in range(max(r1, top), min(r2, bottom) + 1):
            for c in range(c1, c2 + 1):
                fill[(r, c)] = value
    return fill


def _match(text: str, names: dict[str, str]) -> tuple[str, str | None] | None:
    """(column key, unit) for a header text, or None."""
    if not text:
        return None
    name, unit = split_header_unit(text)
    key = names.get(header_key(name))
    if key is None:
        return None
    return key, unit


def _find_header(rows: list[list[object]], merged, columns: list[Column]) -> _Header | None:
    names: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            names.setdefault(name, column.key)
    best: _Header | None = None
    limit = min(len(rows), SCAN_ROWS)
    for index in range(limit):
        for two_rows in (False, True):
            if two_rows and index + 1 >= len(rows):
                continue
            header = _try_header(rows, merged, index, two_rows, names, columns)
            if header is not None and (best is None or header.score > best.score):
                best = header
    if best is None or best.score < 2:
        return None
    return best


def _try_header(rows, merged, index, two_rows, names, columns) -> _Header | None:
    top, bottom = index, index + (1 if two_rows else 0)
    fill = _merged_fill(rows, merged, top, bottom)
    width = max(len(rows[top]), len(rows[bottom]))
    mapping: dict[int, tuple[str, str, str | None]] = {}
    ignored: list[str] = []
    duplicates = []
    seen: dict[str, str] = {}
    parent_carry = ""
    for col in range(width):
        upper = _cell_text(fill.get((top, col), rows[top][col] if col < len(rows[top]) else ""))
        if two_rows:
            lower = _cell_text(
                fill.get((bottom, col), rows[bottom][col] if col < len(rows[bottom]) else "")
            )
            if upper and (top, col) in fill and lower == upper:
                lower = ""  # a cell merged down over both header rows
            if not upper and lower and parent_carry and (top, col) not in fill:
                upper = parent_carry  # a parent over several columns, not merged (CSV, copies)
            written = f"{upper}/{lower}" if upper and lower else (upper or lower)
            candidates = []
            if upper and lower:
                _, parent_unit = split_header_unit(upper)
                child_name, child_unit = split_header_unit(lower)
                parent_name, _ = split_header_unit(upper)
                unit = child_unit or parent_unit
                for text in (parent_name + child_name, child_name + parent_name, child_name):
                    found = names.get(header_key(text))
                    if found:
                        candidates.append((found, unit))
                        break
            else:
                found = _match(upper or lower, names)
                if found:
                    candidates.append(found)
            parent_carry = upper if upper and lower else ""
        else:
            written = upper
            found = _match(upper, names)
            candidates = [found] if found else []
        if not written:
            continue
        if not candidates:
            ignored.append(written)
            continue
        key, unit = candidates[0]
        if key in seen:
            duplicates.append((key, seen[key], written))
            continue
        seen[key] = written
        mapping[col] = (key, written, unit)
    if not mapping:
        return None
    score = len(mapping) * 2
    if two_rows:
        # The lower row is a header row only if it is empty under every column the upper row
        # names by itself (a data row would have its name, code … there).
        single = [col for col in range(len(rows[top])) if _match(_cell_text(rows[top][col]), names)]
        lower = rows[bottom]
        if any(
            _cell_text(lower[col])
            for col in single
            if col < len(lower) and (bottom, col) not in fill
        ):
            return None
        if not any(_cell_text(v) for v in lower):
            return None
        # …and only if together they name more columns than the lower row alone (a title above
        # a header is not a header row).
        alone = sum(1 for v in lower if _match(_cell_text(v), names))
        if len(mapping) <= alone:
            return None
        score += 1
    return _Header(bottom, two_rows, score, mapping, ignored, duplicates)


# --- the rows --------------------------------------------------------------------------------------


def _build_table(
    grid: _Grid, header: _Header, columns: list[Column], notes: list[str], limits: Limits
) -> Table:
    by_key = {c.key: c for c in columns}
    problems: list[Problem] = []
    labels = {c.key: c.label for c in columns}
    for key, first, second in header.duplicates:
        problems.append(
            Problem(
                header.row + 1,
                second,
                "",
                f"与“{first}”重复，都对应“{labels[key]}”，请只保留一列。",
            )
        )
    present = {key for key, _, _ in header.mapping.values()}
    missing = [c.label for c in columns if c.required and c.key not in present]
    if missing:
        problems.append(Problem(header.row + 1, "", "", f"缺少必填列：{'、'.join(missing)}。"))
    units: dict[str, str | None] = {}
    readers: dict[int, Callable[[object], object]] = {}
    for col, (key, written, unit) in header.mapping.items():
        column = by_key[key]
        units[key] = unit
        try:
            readers[col] = cell_reader(column, unit)
        except ValueParseError as exc:
            problems.append(Problem(header.row + 1, written, "", exc.message))
    if header.ignored:
        notes.append(f"以下列不属于本表，已忽略：{'、'.join(header.ignored)}。")

    rows = grid.rows
    width = max((col for col in header.mapping), default=0) + 1
    # Cells merged down over several data rows: the value sits in the top cell only.
    down: dict[tuple[int, int], object] = {}
    sections: set[int] = set()
    for (r1, c1), (r2, c2) in grid.merged:
        if r1 <= header.row:
            continue
        if c2 - c1 + 1 >= max(2, width // 2) and r1 < len(rows):
            sections.update(range(r1, r2 + 1))
            continue
        if r2 > r1:
            value = rows[r1][c1] if c1 < len(rows[r1]) else ""
            for r in range(r1 + 1, r2 + 1):
                for c in range(c1, c2 + 1):
                    down[(r, c)] = value
    result: list[Row] = []
    mapping = sorted(header.mapping.items())
    skipped_totals = []
    gaps = grid.formula_gaps
    span = max(width, 1)
    for index in range(header.row + 1, len(rows)):
        cells = rows[index]
        # Only text cells can be a note, a total, an example or a section title; numbers and
        # dates are not turned into text for that (most cells of a big sheet are numbers).
        filled: list[object] = []
        for value in cells[:span]:
            if value is None or value == "":
                continue
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            filled.append(value)
        if not filled and not (down and any((index, c) in down for c, _ in mapping)):
            continue
        first = _cell_text(filled[0]) if filled else ""
        if first and _STOP.match(first):
            notes.append(f"第{index + 1}行起为填报说明，已跳过。")
            break
        if first and _TOTAL.match(first.replace(" ", "")):
            skipped_totals.append(index + 1)
            continue
        if any(isinstance(t, str) and _EXAMPLE.match(t) for t in filled):
            notes.append(f"第{index + 1}行为模板示例行，已跳过。")
            continue
        if index in sections or (len(filled) == 1 and _SECTION.match(first) and len(mapping) > 2):
            notes.append(f"第{index + 1}行“{first[:30]}”为分组标题行，已跳过。")
            continue
        if len(result) >= limits.max_rows:
            raise ReadError(f"数据超过{limits.max_rows:,}行的上限。请拆分后分批导入。")
        row = Row(index + 1, {}, {})
        for col, (key, written, _unit) in mapping:
            value = cells[col] if col < len(cells) else ""
            if down and (index, col) in down and (value == "" or value is None):
                value = down[(index, col)]
            row.raw[key] = value
            if gaps and (index, col) in gaps:
                row.problems.append(
                    Problem(
                        index + 1,
                        written,
                        "（公式）",
                        "单元格是公式但没有计算结果，请在Excel中打开并保存后再上传，或改填数值。",
                    )
                )
                row.values[key] = None
                continue
            if value == "" or value is None:
                row.values[key] = None
                continue
            reader = readers.get(col)
            if reader is None:
                continue
            try:
                row.values[key] = reader(value)
            except (ValueParseError, UsccError) as exc:
                row.values[key] = None
                row.problems.append(Problem(index + 1, written, _cell_text(value), exc.message))
        result.append(row)
    if skipped_totals:
        notes.append(f"第{'、'.join(map(str, skipped_totals))}行为合计行，已跳过。")
    if not result and not problems:
        problems.append(Problem(header.row + 1, "", "", "表头下面没有数据行。"))
    columns_written = {key: written for _, (key, written, _u) in mapping}
    return Table(
        grid.name, header.row + 1, columns_written, result, header.ignored, notes, problems, units
    )


# --- cells -------------------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")
EXCEL_DIGITS = 15  # significant digits Excel keeps; more is float noise (see lib.values)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Text for storing as written: invisible characters dropped, whitespace collapsed. Not
    NFKC, so 全角 brackets in names stay as typed."""
    return _SPACES.sub(" ", _cell_text(value).translate(_INVISIBLE)).strip()


def cell_reader(column: Column, unit: str | None) -> Callable[[object], object]:
    """The parser for one column, given the unit its header states. Raises ValueParseError for a
    header unit the column cannot take (e.g. 亩 on a money column). Results for the same text are
    cached, since ledgers repeat values (departments, dates, stages) on many rows."""
    kind = column.kind
    if kind == "money":
        header_unit = unit or column.unit or "万元"
        if header_unit.replace(" ", "") not in MONEY_UNITS:
            raise ValueParseError(f"“{column.label}”是金额列，表头单位“{unit}”不是金额单位。")

        shift = MONEY_UNITS.get(header_unit.replace(" ", ""))
        shift = None if shift is None else shift - 4  # powers of ten from the header unit to 万元

        def parse(value: object) -> object:
            # Most cells of a big sheet are plain non-negative numbers: read them directly
            # (what parse_money does for them, minus its text handling), else parse_money.
            kind_of = type(value)
            if shift is not None and (kind_of is float or kind_of is int) and value >= 0:
                if kind_of is int or math.isfinite(value):
                    number = Decimal(repr(value)) if kind_of is float else Decimal(value)
                    if len(number.as_tuple().digits) <= EXCEL_DIGITS:
                        if shift:
                            number = number.scaleb(shift)
                        return number.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)
            amount = parse_money(value, unit=header_unit, max_places=None)
            return None if amount is None else amount.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)

    elif kind == "area":
        target = column.unit or "平方米"
        given = unit or target
        if given not in AREA_UNITS:
            raise ValueParseError(f"“{column.label}”是面积列，表头单位“{unit}”不是面积单位。")
        factor = AREA_UNITS[given] / AREA_UNITS[target]

        def parse(value: object) -> object:
            number = parse_decimal(value, unit=given, allow_percent=False)
            if number is None:
                return None
            if factor != 1:
                converted = Fraction(number) * factor
                number = Decimal(converted.numerator) / Decimal(converted.denominator)
            return number.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)

    elif kind == "decimal":

        def parse(value: object) -> object:
            return parse_decimal(value, unit=unit)

    elif kind == "int":

        def parse(value: object) -> object:
            number = parse_decimal(value, unit=unit, allow_percent=False)
            if number is None:
                return None
            if number != number.to_integral_value():
                raise ValueParseError(f"应为整数：“{_cell_text(value)}”")
            return int(number)

    elif kind == "date":

        def parse(value: object) -> object:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, dt.time | dt.timedelta):
                raise ValueParseError(f"无法识别的日期：“{value}”，这是时间而不是日期")
            return parse_date(value)

    elif kind == "bool":
        parse = parse_bool
    elif kind == "uscc":

        def parse(value: object) -> object:
            text = _cell_text(value)
            return validate_uscc(text) if text else None

    elif kind == "code":

        def parse(value: object) -> object:
            text = normalize_text(_cell_text(value)).replace(" ", "")
            if column.max_length and len(text) > column.max_length:
                raise ValueParseError(
                    f"{column.label}不能超过{column.max_length}个字符（现为{len(text)}个）"
                )
            return text or None

    else:  # text, choice

        def parse(value: object) -> object:
            if isinstance(value, bool):
                return "是" if value else "否"
            if isinstance(value, dt.datetime | dt.date):
                return value.isoformat()[:10]
            text = clean_text(value)
            if column.max_length and len(text) > column.max_length:
                raise ValueParseError(
                    f"{column.label}不能超过{column.max_length}个字（现为{len(text)}个）"
                )
            return text or None

    return _cached(parse)


def _cached(parse: Callable[[object], object]) -> Callable[[object], object]:
    cache: dict[object, object] = {}

    def read(value: object) -> object:
        if not isinstance(value, str | int | float):
            return parse(value)
        key = (type(value), value)
        try:
            hit = cache[key]
        except KeyError:
            try:
                hit = parse(value)
            except (ValueParseError, UsccError) as exc:
                hit = exc
            if len(cache) < 50_000:
                cache[key] = hit
        if isinstance(hit, Exception):
            raise hit
        return hit

    return read


def normalize_name(text: object) -> str:
    """The comparable form of a name (department, organisation, person): NFKC, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _cell_text(text).translate(_INVISIBLE)))


def choice_lookup(
    pairs: Iterable[tuple[str, str]], synonyms: dict[str, str] | None = None
) -> dict[str, str]:
    """A map from every accepted spelling (value, label, synonyms; normalised) to the value."""
    table = {}
    for value, label in pairs:
        table[normalize_name(label)] = value
        if value:
            table[normalize_name(value)] = value
    for spelling, value in (synonyms or {}).items():
        table[normalize_name(spelling)] = value
    return table
