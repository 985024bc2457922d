"""Benchmark of the numeric fact extractor (数据事实抽取基准) on ../shared/corpus.

  .venv/bin/python bench/facts_bench.py [--no-jionlp] [--markdown PATH]

1. Runs `zonedesk.lib.facts.extract` on every corpus text, scores the predictions with the
   corpus's own `score.py` (precision, recall, F1 on values; metric accuracy).
2. Measures throughput in characters per second on the corpus repeated to at least 5 MB.
3. Side by side on the money facts only (gold restricted to kind money, for both sides): our
   extractor against jionlp's `jionlp.ner.extract_money`. jionlp is large, so it lives only in
   its own environment, `var/bench-venv-jionlp` (created here with `python -m venv` and
   `pip install jionlp` when missing); a small sub-script runs there via subprocess.

Exits 0 and prints its figures even when jionlp cannot be installed (it says so in one line).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zonedesk.lib.facts import extract, read_document  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
JIONLP_VENV = ROOT / "var" / "bench-venv-jionlp"
MIN_BYTES = 5 * 1024 * 1024

# Runs inside the jionlp environment: argv = texts dir, output JSONL, repeat count. Prints the
# seconds spent in extract_money over the texts repeated `repeat` times.
JIONLP_SCRIPT = r"""
import json, sys, time
from pathlib import Path
import jionlp as jio

texts_dir, out_path, repeat = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
docs = [(p.name, p.read_text(encoding="utf-8-sig")) for p in sorted(texts_dir.iterdir())]
with open(out_path, "w", encoding="utf-8") as out:
    for name, text in docs:
        for item in jio.ner.extract_money(text, with_parsing=True):
            detail = item.get("detail") or {}
            num = detail.get("num")
            if isinstance(num, list):  # a range or a blur amount: keep the stated lower figure
                num = num[0]
            try:
                value = float(num) / 10000  # yuan -> 万元, the gold format's base
            except (TypeError, ValueError):
                continue
            start = item["offset"][0]
            out.write(json.dumps({
                "doc": name, "text": item["text"], "char_start": start, "kind": "money",
                "value": value, "unit": "万元", "unit_as_written": detail.get("case", ""),
                "approx": detail.get("definition") == "blur", "metric": None, "subject": None,
            }, ensure_ascii=False) + "\n")
chars = 0
started = time.perf_counter()
for _ in range(repeat):
    for _, text in docs:
        jio.ner.extract_money(text, with_parsing=True)
        chars += len(text)
print(json.dumps({"seconds": time.perf_counter() - started, "chars": chars}))
"""


def load_corpus() -> list[tuple[str, str]]:
    return [(p.name, read_document(p)) for p in sorted((CORPUS / "texts").iterdir())]


def run_score(gold: Path, pred: Path) -> dict:
    """The corpus's score.py, run as the corpus intends (GOLD PRED --json)."""
    result = subprocess.run(
        [sys.executable, str(CORPUS / "score.py"), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def throughput(docs: list[tuple[str, str]]) -> tuple[float, int, float]:
    """Characters per second on the corpus repeated to at least 5 MB (UTF-8), best of 3."""
    base = "\n\n".join(text for _, text in docs)
    repeat = MIN_BYTES // len(base.encode("utf-8")) + 1
    big = "\n\n".join([base] * repeat)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        extract(big, doc="bench")
        best = min(best, time.perf_counter() - started)
    return len(big) / best, len(big), len(big.encode("utf-8")) / best


def ensure_jionlp() -> Path | None:
    """The jionlp environment's python, creating it when missing; None when impossible."""
    python = JIONLP_VENV / "bin" / "python"
    check = [str(python), "-c", "import jionlp"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"jionlp: creating {JIONLP_VENV.relative_to(ROOT)} (pip install jionlp) …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(JIONLP_VENV)], check=True)
        log = ROOT / "var" / "bench-venv-jionlp-install.log"
        with log.open("w") as out:
            subprocess.run(
                [str(python), "-m", "pip", "install", "jionlp"],
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=1800,
            )
        subprocess.run(check, capture_output=True, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"jionlp: NOT AVAILABLE, could not install it ({exc}); comparison skipped")
        return None
    return python


def fmt(result: dict) -> str:
    return (
        f"P {result['precision']:.4f}  R {result['recall']:.4f}  F1 {result['f1']:.4f}  "
        f"(gold {result['gold']}, predicted {result['predicted']}, "
        f"true positives {result['true_positives']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-jionlp", action="store_true", help="skip the jionlp comparison")
    parser.add_argument("--markdown", type=Path, help="also write the figures as Markdown here")
    args, _ = parser.parse_known_args(argv)
    if not (CORPUS / "gold.jsonl").exists():
        print(f"corpus not found at {CORPUS}; nothing to benchmark")
        return 0
    docs = load_corpus()
    gold_rows = [json.loads(line) for line in (CORPUS / "gold.jsonl").open(encoding="utf-8")]
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        preds = [f.to_dict() for name, text in docs for f in extract(text, doc=name)]
        corpus_seconds = time.perf_counter() - started
        write_jsonl(tmp / "pred.jsonl", preds)
        ours = run_score(CORPUS / "gold.jsonl", tmp / "pred.jsonl")
        chars = sum(len(text) for _, text in docs)

        say(f"corpus: {len(docs)} texts, {chars} characters, {ours['gold']} gold facts")
        say(f"all facts (zonedesk.lib.facts): {fmt(ours)}")
        say(f"metric accuracy (on matched facts): {ours['metric_accuracy']:.4f}")
        if ours["missed_examples"]:
            say(f"missed: {', '.join(ours['missed_examples'])}")
        rate, big_chars, bytes_rate = throughput(docs)
        say(
            f"throughput: {rate:,.0f} characters/s ({bytes_rate / 1e6:.2f} MB/s UTF-8) on "
            f"{big_chars:,} characters (corpus repeated to ≥ 5 MB); whole corpus once: "
            f"{corpus_seconds * 1000:.1f} ms"
        )

        # Money facts only, both sides against the same restricted gold.
        write_jsonl(tmp / "gold-money.jsonl", [g for g in gold_rows if g["kind"] == "money"])
        write_jsonl(tmp / "pred-money.jsonl", [p for p in preds if p["kind"] == "money"])
        ours_money = run_score(tmp / "gold-money.jsonl", tmp / "pred-money.jsonl")
        say(f"money facts, zonedesk.lib.facts: {fmt(ours_money)}")
        python = None if args.no_jionlp else ensure_jionlp()
        if python is not None:
            script = tmp / "jionlp_money.py"
            script.write_text(JIONLP_SCRIPT, encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            run = subprocess.run(
                [str(python), str(script), str(CORPUS / "texts"), str(tmp / "jio.jsonl"), "20"],
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp,
            )
            if run.returncode != 0:
                tail = (run.stderr.strip().splitlines() or ["?"])[-1]
                say(f"jionlp: FAILED to run ({tail}); comparison skipped")
            else:
                timing = json.loads(run.stdout.strip().splitlines()[-1])
                theirs = run_score(tmp / "gold-money.jsonl", tmp / "jio.jsonl")
                say(f"money facts, jionlp.ner.extract_money: {fmt(theirs)}")
                say(
                    f"jionlp throughput: {timing['chars'] / timing['seconds']:,.0f} characters/s "
                    f"(corpus × 20)"
                )
    say(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if args.markdown:
        args.markdown.write_text(
            "\n".join(f"    {line}" for line in lines) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
