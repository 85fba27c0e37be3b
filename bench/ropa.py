"""Benchmark of the regulators' templates on a synthetic register, in memory (no database). Run: `./dev setup`,
then `.venv/bin/python -m bench.ropa [--sizes 200,2000] [--repeat 3]`.

For each size and template, prints the median time to answer every question for every activity (coverage
included), and to render the XLSX and CSV downloads, with the XLSX's size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.generate import Size, synthetic_inventory
from registry.config import Settings
from registry.domain.ropa_templates import Template
from registry.services.inventory_files import load_reference
from registry.services.ropa import answer_template
from registry.services.ropa_exports import as_csv, as_xlsx


def median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="200,2000", help="activities per register, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reference = load_reference(Settings().seed_dir / "reference")
    print("| activities | template | answer (s) | XLSX (s) | XLSX (KiB) | CSV (s) | coverage |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in (int(x) for x in args.sizes.split(",")):
        inv = synthetic_inventory(f"bench-{n}", Size(activities=n, categories=40, subprocessors=30, purposes=12,
                                                     transfers_pool=20, retention_pool=20))
        for template in Template:
            answer, answers = median_seconds(lambda t=template, i=inv: _answered(i, reference, t), args.repeat)
            xlsx, data = median_seconds(lambda a=answers: as_xlsx(a), args.repeat)
            csv, _ = median_seconds(lambda a=answers: as_csv(a), args.repeat)
            print(f"| {n} | {template.slug} | {answer:.2f} | {xlsx:.2f} | {len(data) // 1024} | {csv:.2f} | "
                  f"{answers.overall:.0%} |")


def _answered(inv: Any, reference: Any, template: Template) -> Any:
    answers = answer_template(inv, reference, template)
    answers.coverage  # noqa: B018 - computed here so its time counts
    return answers


if __name__ == "__main__":
    main()
