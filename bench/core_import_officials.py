"""Importing 100,000 officials with their accounts from XLSX on PostgreSQL (issues: platform core, 16).

Target: under 60 s on this 2-core machine, peak memory under 500 MB. Measures the real command,
`lms import-officials FILE --full --json`, in its own process: first as inserts (officials and accounts),
then re-run (all unchanged, no account touched); the accounts are counted in the database after each run.

    .venv/bin/python bench/core_import_officials.py [--officials 100000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import LMS, lms_env, run_measured, save_result, scratch_postgres  # noqa: E402
from lms.core.demo import POSITIONS, vietnamese_name  # noqa: E402

KINDS = ["công chức", "công chức", "viên chức", "viên chức", "cán bộ"]


def write_units(path: Path, communes: int, departments: int) -> list[str]:
    lines = ["code,name_vi,level,parent_code", "T01,Tỉnh Sơn Hà,tỉnh,"]
    codes = []
    for n in range(departments):
        lines.append(f"T01-S{n:02d},Sở số {n + 1},tỉnh,T01")
        codes.append(f"T01-S{n:02d}")
    for n in range(communes):
        lines.append(f"T01-X{n:03d},Xã số {n + 1},xã,T01")
        codes.append(f"T01-X{n:03d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codes


def write_officials(path: Path, count: int, unit_codes: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("officials")
    sheet.append(["Mã cán bộ", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Loại", "Chức vụ", "Thư điện tử"])
    for n in range(count):
        name, _gender = vietnamese_name(rng)
        born = date(rng.randint(1965, 2001), rng.randint(1, 12), rng.randint(1, 28)).strftime("%d/%m/%Y")
        sheet.append([f"CB{n:07d}", name, born, rng.choice(unit_codes), rng.choice(KINDS), rng.choice(POSITIONS),
                      f"cb{n:07d}@sonha.example.vn"])
    book.save(path)


def measured_with_cpu(command: list[str], env: dict) -> dict:
    """run_measured, plus the child's CPU seconds: on a shared machine the wall time also counts waiting."""
    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
    before = cpu()
    figures = run_measured(command, env)
    return figures | {"cpu_s": round(cpu() - before, 2)}


def count_accounts(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM core_users WHERE official_id IS NOT NULL"))
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officials", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres() as url:
        tmp = Path(tmp)
        env = lms_env(url, tmp / "instance")
        subprocess.run([LMS, "db", "upgrade"], env=env, check=True, capture_output=True)
        codes = write_units(tmp / "units.csv", communes=120, departments=25)
        subprocess.run([LMS, "import-units", str(tmp / "units.csv")], env=env, check=True, capture_output=True)
        write_officials(tmp / "officials.xlsx", args.officials, codes)
        command = [LMS, "import-officials", str(tmp / "officials.xlsx"), "--full", "--json"]
        first = measured_with_cpu(command, env)
        report = json.loads(first.pop("stdout"))
        assert report["created"] == report["accounts_created"] == args.officials and not report["problems"], report
        accounts = count_accounts(url)
        assert accounts == args.officials, accounts
        second = measured_with_cpu(command, env)
        again = json.loads(second.pop("stdout"))
        assert again["unchanged"] == args.officials, again
        assert again["accounts_created"] == again["accounts_updated"] == again["deactivated"] == 0, again
        assert count_accounts(url) == accounts
        figures = {
            "officials": args.officials, "accounts": accounts, "database": "postgresql",
            "first_import_s": first["seconds"], "first_import_cpu_s": first["cpu_s"],
            "first_import_peak_mb": first["peak_mb"], "reimport_unchanged_s": second["seconds"],
            "reimport_cpu_s": second["cpu_s"], "reimport_peak_mb": second["peak_mb"],
            "target": "< 60 s, < 500 MB", "load_average": os.getloadavg()[0]}
        save_result("core_import_officials", figures)


if __name__ == "__main__":
    main()
