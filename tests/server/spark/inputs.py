"""Input files shared by the Spark tests: messy synthetic CSVs (scripts/make_synthetic_breach.py), no real person."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MAP = "phone=phone,email=email,cn_id=5,username=username"


def synthetic_inputs(folder: Path) -> list[Path]:
    """Three messy CSV files with values repeated across them; the last (about 590 KB) is cut into three blocks
    for two cores, so one file is read by several tasks."""
    paths = []
    for seed, rows in ((1, 1500), (2, 1500), (3, 6000)):
        path = folder / f"dump{seed}.csv"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic_breach.py"), "--out", str(path),
                        "--rows", str(rows), "--messy", "--seed", str(seed % 2),
                        "--plant-phone", "+86 138 0013 8000"], check=True)  # fmt: skip
        paths.append(path)
    return paths
