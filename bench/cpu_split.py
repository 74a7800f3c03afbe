"""Where a page's CPU goes: CPU per request of the web workers, the database server, the
load generator and the rest, while ../shared/bench/load.py drives one page.

Run by hand (pytest never collects it), from the project root, on data that
`bench/pages.py --keep --var-dir DIR` built and left:

    .venv/bin/python bench/pages.py --database postgres --keep --var-dir /tmp/hbp
    .venv/bin/python bench/cpu_split.py --var-dir /tmp/hbp --database postgres --page member
    .venv/bin/python bench/cpu_split.py --var-dir /tmp/hbp --database postgres --page ceiling

It serves the app (or the ceiling's minimal app) with gunicorn as bench/pages.py does,
drives the page for a few seconds to warm it, then reads every process's CPU time from
/proc before and after a window of --seconds in the middle of a run, and divides each
group's CPU by the requests served in that window. The groups are found by command line:
gunicorn (its workers), postgres (the server's backends), load.py (the load generator),
redis, and everything else on the machine. On a machine with two CPUs all of them share
those two CPUs, so a page's throughput is two CPUs divided by the sum.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pages

TICK = os.sysconf("SC_CLK_TCK")
CONCURRENCY = 8  # load.py processes, as bench/pages.py's default
GROUPS = (("gunicorn", "gunicorn"), ("load.py", "load"), ("redis", "redis"))


def main() -> None:
    options = _parse_args()
    var_dir = Path(options.var_dir)
    env = pages._app_environment(var_dir)
    if options.database == "postgres":
        env["DATABASE_URL"] = f"{options.postgres_url}/{pages.PG_DATABASE}"
    targets = pages._find_pages(env)
    app = (
        "bench.minimal_app.wsgi:application"
        if options.page == "ceiling"
        else "config.wsgi:application"
    )
    with pages._gunicorn(app, env, var_dir, "cpu-split", options) as base:
        path, cookie = "/", None
        if options.page == "member":
            _label, path, cookie = pages._check_member_is_signed_in(base, targets)[-1]
        elif options.page == "visitor":
            _label, path, cookie = targets[-2]
        out = var_dir / "cpu-split.jsonl"
        _drive(base + path, cookie, out, seconds=3)  # warm every worker
        load = _drive(base + path, cookie, out, seconds=options.seconds + 6, wait=False)
        time.sleep(4)
        before, busy_before = _cpu_by_group(), _busy()
        started = time.monotonic()
        time.sleep(options.seconds)
        after, busy_after = _cpu_by_group(), _busy()
        window = time.monotonic() - started
        load.wait()
    result = json.loads(out.read_text().strip().splitlines()[-1])
    requests = result["median"]["rps"] * window
    print(
        f"{options.page} ({options.database}): {result['median']['rps']:.1f} req/s; "
        f"CPU per request over {window:.1f} s, {os.cpu_count()} CPUs"
    )
    for group in sorted(after, key=lambda name: -(after[name] - before.get(name, 0.0))):
        spent = after[group] - before.get(group, 0.0)
        print(f"  {group:<10} {1000 * spent / requests:7.3f} ms")
    print(f"  {'all':<10} {1000 * (busy_after - busy_before) / requests:7.3f} ms (machine busy)")


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", required=True, help="bench/pages.py --keep's data directory.")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--page", choices=["member", "visitor", "ceiling"], default="member", help="The page."
    )
    parser.add_argument("--seconds", type=float, default=10, help="The measured window.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
    return parser.parse_args()


def _drive(url: str, cookie: str | None, out: Path, *, seconds: float, wait: bool = True):
    command = [
        sys.executable,
        str(pages.LOAD_SCRIPT),
        f"--url={url}",
        f"--concurrency={CONCURRENCY}",
        f"--duration={seconds}",
        "--runs=1",
        "--label=cpu-split",
        f"--out={out}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    if wait:
        process.wait()
    return process


def _cpu_by_group() -> dict[str, float]:
    """CPU seconds (user + system) of every live process, summed by group."""
    spent: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        group = next((name for marker, name in GROUPS if marker in command), None)
        if group is None:
            group = "postgres" if command.startswith("postgres") else "other"
        spent[group] = spent.get(group, 0.0) + cpu
    return spent


def _busy() -> float:
    """CPU seconds the whole machine spent not idle."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


if __name__ == "__main__":
    main()
