"""The bench of record through HTTP: a real WSGI server with the production middleware, four real users.

Why: the ORM benches (bench/run.py) time one query, repeated, as a superuser; users see a page through the whole
stack (sessions, middleware, scope, templates), under their own scope. This starts gunicorn (sync workers,
``DEBUG`` off, the settings of production) on the database at hand, logs in as the national administrator, a
province secretary, a grassroots clerk and a cell secretary, and requests, with varied parameters (different
organizations and members, searches of one, two and three words and with typos, cursor pages), the pages of each
user's menu, the dashboard, organization and member pages, the member list and its later pages, and the API's
lists and details. Each figure has its query count and the server's CPU time beside it: the server runs with
``PARTYWORK_BENCH_HTTP`` on, so ``bench.middleware.BenchMetricsMiddleware`` puts them in response headers.

Throughput: requests per second of the member list, the member detail and the API list and detail against the
bare authenticated view (``/bench/bare/``: the session and user lookup, nothing else) on the same server in the
same run, with locust (headless, ``bench/locustfile.py``), or a thread-pool client when locust is not installed.

Percentiles are nearest-rank: p-th percentile = the ``ceil(p/100 * n)``-th smallest of n samples (p99 of fewer
than 100 samples is the largest one).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
TARGET_MS = 100.0  # issue 19: every page and API endpoint p95 <= 100 ms
# (label, username, role shown) of the four users the issue names; the seed (bench/seeding.create_demo_users)
# makes them with these names and grants.
USERS = (
    ("national administrator", "admin"),
    ("province secretary", "province"),
    ("grassroots clerk", "clerk"),
    ("cell secretary", "cell"),
)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile of ``samples`` (not empty)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Sample:
    ms: float
    status: int
    queries: int | None
    cpu_ms: float | None
    db_ms: float | None


@dataclass
class Row:
    user: str
    page: str
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ms = [s.ms for s in self.samples]
        queries = [s.queries for s in self.samples if s.queries is not None]
        cpu = [s.cpu_ms for s in self.samples if s.cpu_ms is not None]
        db = [s.db_ms for s in self.samples if s.db_ms is not None]
        statuses = sorted({s.status for s in self.samples})
        return {
            "n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
            "first": ms[0],
            "queries": (f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}")
            if queries else "-",
            "cpu": statistics.median(cpu) if cpu else None, "db": statistics.median(db) if db else None,
            "statuses": statuses,
        }


# --- The users and what each of them requests ------------------------------------------------------------------


def ensure_users(password: str) -> list[tuple[str, Any]]:
    """The four users (label, User), made by the seed's own function when one is missing (a write: run against a
    copy of a database that must stay untouched)."""
    from accounts.models import User
    from bench.seeding import create_demo_users

    names = [username for _label, username in USERS]
    if User.objects.filter(username__in=names, is_active=True).count() < len(names):
        create_demo_users("default", password)
    by_name = {u.username: u for u in User.objects.filter(username__in=names)}
    return [(label, by_name[username]) for label, username in USERS]


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: two neighbouring letters swapped, or one left out."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def search_terms(names: list[str], rng: random.Random, n: int) -> dict[str, list[str]]:
    """Searches as clerks type them, from names in the user's scope: one, two and three words (with or without
    diacritics, the last word sometimes still being typed) and with a typo."""
    terms: dict[str, list[str]] = {"search, one word": [], "search, two words": [], "search, three words": [],
                                   "search with a typo": []}
    pool = [name.split() for name in names if len(name.split()) >= 3] or [["nguyen", "van", "an"]]
    for i in range(n):
        words = rng.choice(pool)
        plain = i % 2 == 0  # half typed without diacritics, as most are
        words = [_ascii(w).lower() if plain else w.lower() for w in words]
        terms["search, one word"].append(rng.choice([words[0], words[-1], words[-2]]))
        two = [words[-2], words[-1]] if rng.random() < 0.6 else [words[0], words[-1]]
        if rng.random() < 0.3:
            two[-1] = two[-1][: max(1, len(two[-1]) - 2)]  # still typing
        terms["search, two words"].append(" ".join(two))
        terms["search, three words"].append(" ".join([words[0], words[-2], words[-1]]))
        typo_at = rng.randrange(3)
        typed = [words[0], words[-2], words[-1]]
        typed[typo_at] = _typo(typed[typo_at], rng)
        terms["search with a typo"].append(" ".join(typed[: 2 + (i % 2)]))
    for key, values in terms.items():  # never one query repeated
        seen: list[str] = []
        for value in values:
            if value not in seen:
                seen.append(value)
        terms[key] = seen
    return terms


def menu_urls(user: Any) -> list[tuple[str, str]]:
    """(label, url) of the user's menu, as core.navigation builds it."""
    from django.apps import apps
    from django.urls import reverse
    from django.utils import translation

    from core.registry import menu_entries
    from core.scope import can

    result = []
    with translation.override("en"):
        for entry in menu_entries():
            if entry.model is not None and not can(user, apps.get_model(entry.model), entry.action):
                continue
            result.append((f"menu: {entry.label}", reverse(entry.url_name)))
    return result


def api_lists() -> list[tuple[str, str]]:
    """(label, url) of each list endpoint of the API (the routers' ``*-list`` routes under /api/)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, None] = {}

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list") and \
                    route.startswith("api/") and "<" not in route and "format" not in route:
                found.setdefault("/" + route.lstrip("^").rstrip("$"), None)

    walk(get_resolver().url_patterns, "")
    return [(f"API list {url}", url) for url in found]


@dataclass
class Plan:
    """What one user requests: fixed pages (asked ``n`` times each) and varied ones (one URL per request)."""

    fixed: list[tuple[str, str]]
    varied: dict[str, list[str]]
    cursor_starts: list[str]


def plan_for(user: Any, n: int, rng: random.Random) -> Plan:
    """The requests of one user: its menu, the dashboard, and varied organizations, members and searches drawn
    from its own scope."""
    from urllib.parse import urlencode

    from accounts.roots import scope_root
    from members.models import Member
    from orgs.models import Organization

    root = scope_root(user)
    orgs = list(Organization.objects.restrict(user, "view").within(root).filter(dissolved_on__isnull=True)
                .order_by("?").values_list("pk", "org_type", "code")[: 4 * n])
    org_ids = [pk for pk, _t, _c in orgs]
    codes = {pk: code for pk, _t, code in orgs} | {root.pk: root.code}  # pages take the code, as the picker sends it
    cells = [pk for pk, t, _c in orgs if t == "cell"] or org_ids
    members = list(Member.objects.restrict(user, "view").filter(organization_id__in=cells[: 2 * n])
                   .values_list("pk", "full_name")[: 20 * n])
    rng.shuffle(members)
    member_ids = [pk for pk, _name in members]
    # Lists by organization: the root, and organizations of every level below it.
    list_orgs = [root.pk, *[pk for pk in org_ids if pk != root.pk]][:n]
    varied: dict[str, list[str]] = {
        "organization page": [f"/orgs/{pk}/" for pk in org_ids[:n]],
        "member page": [f"/members/{pk}/" for pk in member_ids[:n]],
        "member list by organization": [f"/members/?{urlencode({'organization': codes[pk]})}" for pk in list_orgs],
        "API member list ?organization=": [f"/api/members/?organization={pk}" for pk in list_orgs],
        "API member detail": [f"/api/members/{pk}/" for pk in member_ids[n: 2 * n] or member_ids[:n]],
        "API organization detail": [f"/api/organizations/{pk}/" for pk in org_ids[n: 2 * n] or org_ids[:n]],
    }
    for label, terms in search_terms([name for _pk, name in members], rng, n).items():
        varied[label] = [f"/members/?{urlencode({'q': term})}" for term in terms]
    fixed = [("dashboard /", "/"), ("bare authenticated view", "/bench/bare/"), ("member list /members/", "/members/"),
             *[(label, url) for label, url in menu_urls(user) if url not in {"/", "/members/"}], *api_lists()]
    cursor_starts = ["/members/", *[f"/members/?{urlencode({'organization': codes[pk]})}" for pk in list_orgs[1:4]]]
    return Plan(fixed=fixed, varied=varied, cursor_starts=cursor_starts)


# --- The server and the client ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the bench's server: this process's (the same database and cache), production settings."""
    env = dict(os.environ)
    env.update({"DEBUG": "0", "HTTPS": "0", "PARTYWORK_BENCH_HTTP": "1", "DJANGO_SETTINGS_MODULE": "config.settings",
                "API_RATE": "100000000/min", "LOG_LEVEL": "ERROR", **(extra or {})})
    return env


def collect_static() -> None:
    """Without DEBUG, pages name the fingerprinted static files: the manifest must exist (as scripts/demo.sh)."""
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


class Server:
    """gunicorn on 127.0.0.1 with ``workers`` sync workers, stopped by ``stop()`` (or when the bench ends)."""

    def __init__(self, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--timeout", "300",
             "--graceful-timeout", "5", "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 90) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if requests.get(f"{self.base}/accounts/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        Path(self.log.name).unlink(missing_ok=True)


def login(base: str, username: str, password: str):
    """A ``requests`` session logged in through the login form, as a browser does."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{base}/accounts/login/", timeout=120, allow_redirects=False,
                          data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                          headers={"Referer": f"{base}/accounts/login/"})
    if answer.status_code != 302:
        raise RuntimeError(f"login as {username!r} failed ({answer.status_code})")
    return session


def _header(response: Any, name: str, kind: Callable[[str], Any]) -> Any:
    value = response.headers.get(name)
    return kind(value) if value is not None else None


def timed_get(session: Any, base: str, url: str) -> tuple[Sample, Any]:
    t = time.perf_counter()
    response = session.get(base + url, timeout=300, allow_redirects=False)
    ms = (time.perf_counter() - t) * 1000
    return Sample(ms, response.status_code, _header(response, "X-Bench-Queries", int),
                  _header(response, "X-Bench-CPU-Ms", float), _header(response, "X-Bench-DB-Ms", float)), response


NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


def measure_user(label: str, session: Any, base: str, plan: Plan, n: int, pages: int) -> list[Row]:
    """Every request of ``plan`` for one user, one at a time (latency, not load)."""
    rows: dict[str, Row] = {}

    def record(page: str, url: str) -> Any:
        sample, response = timed_get(session, base, url)
        rows.setdefault(page, Row(label, page)).samples.append(sample)
        return response

    fixed_repeats = max(3, n // 4)
    for page, url in plan.fixed:
        for _ in range(n if page.startswith("dashboard") else fixed_repeats):
            record(page, url)
    for page, urls in plan.varied.items():
        for url in urls:
            record(page, url)
    for start in plan.cursor_starts:  # follow "Next" as a reader does, timing each later page
        url = start
        for _ in range(pages):
            response = session.get(base + url, timeout=300)
            found = NEXT_LINK.search(response.text)
            if not found:
                break
            url = html.unescape(found.group(1))
            if url.startswith("?"):
                url = start.split("?")[0] + url
            record("member list, later page by cursor", url)
    return list(rows.values())


# --- Throughput ------------------------------------------------------------------------------------------------


def locust_available() -> bool:
    """Whether locust is installed; never imported here (it monkey-patches the process for gevent)."""
    import importlib.util

    return importlib.util.find_spec("locust") is not None


def throughput_locust(base: str, username: str, password: str, urls: list[str], clients: int,
                      seconds: int) -> dict[str, float]:
    """Requests/s of ``urls`` (taken in turn) by ``clients`` locust users after they logged in, headless, in a
    separate process (bench/locustfile.py run as a script)."""
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps(urls))
        env = {**os.environ, "BENCH_USERNAME": username, "BENCH_PASSWORD": password, "BENCH_URLS": str(urls_file)}
        ran = subprocess.run([sys.executable, str(BASE_DIR / "bench" / "locustfile.py"), base, str(clients),
                              str(seconds)], env=env, cwd=BASE_DIR, capture_output=True, text=True,
                             timeout=seconds + 240)
    lines = [line for line in ran.stdout.splitlines() if line.startswith("{")]
    if ran.returncode != 0 or not lines:
        raise RuntimeError(f"locust failed: {ran.stderr[-2000:]}")
    return json.loads(lines[-1])


def throughput_threads(base: str, username: str, password: str, urls: list[str], clients: int,
                       seconds: int) -> dict[str, float]:
    """The same with ``clients`` threads, each with its own logged-in ``requests`` session (no locust)."""
    sessions = [login(base, username, password) for _ in range(clients)]
    stop_at = time.monotonic() + seconds
    times: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(i: int) -> None:
        k = i
        while time.monotonic() < stop_at:
            t = time.perf_counter()
            response = sessions[i].get(base + urls[k % len(urls)], timeout=300)
            with lock:
                times.append((time.perf_counter() - t) * 1000)
                failures[0] += response.status_code != 200
            k += clients

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": len(times) / elapsed, "requests": len(times), "failures": failures[0],
            "p50": percentile(times, 50) if times else 0.0, "p95": percentile(times, 95) if times else 0.0}


# --- The run ---------------------------------------------------------------------------------------------------


@dataclass
class HttpResult:
    rows: list[Row]
    throughput: list[tuple[str, dict[str, float]]]
    tool: str
    seconds: float


def run_http(*, workers: int = 3, n: int = 20, pages: int = 5, clients: int = 8, seconds: int = 20,
             throughput: bool = True, seed: int = 42, password: str | None = None, note: str = "",
             out: str | None = "bench/RESULTS.md", write: Callable[[str], None] = print,
             server_extra_env: dict[str, str] | None = None) -> HttpResult:
    """Measure every user's pages through gunicorn, then the throughput; append a section to ``out``."""
    started = time.monotonic()
    password = password or os.environ.get("DEMO_PASSWORD", "partywork-demo")
    rng = random.Random(seed)
    users = ensure_users(password)
    plans = [(label, user, plan_for(user, n, rng)) for label, user in users]
    collect_static()
    rows: list[Row] = []
    results: list[tuple[str, dict[str, float]]] = []
    tool = "locust" if locust_available() else "threads"
    server = Server(workers, server_env(server_extra_env))
    try:  # nothing between starting the server and this line may raise: the server is stopped in `finally`
        server.wait()
        for label, user, plan in plans:
            write(f"measuring as the {label} ({user.username})...")
            session = login(server.base, user.username, password)
            rows.extend(measure_user(label, session, server.base, plan, n, pages))
        if throughput:
            province = next(plan for label, _u, plan in plans if label == "province secretary")
            username = dict(USERS)["province secretary"]
            targets = [
                ("bare authenticated view", ["/bench/bare/"]),
                ("member list (by organization)", province.varied["member list by organization"]),
                ("member page", province.varied["member page"]),
                ("API member list ?organization=", province.varied["API member list ?organization="]),
                ("API member detail", province.varied["API member detail"]),
            ]
            measure = throughput_locust if tool == "locust" else throughput_threads
            for what, urls in targets:
                write(f"throughput of {what}...")
                results.append((what, measure(server.base, username, password, urls, clients, seconds)))
    finally:
        server.stop()
    result = HttpResult(rows, results, tool, time.monotonic() - started)
    text = render(result, workers=workers, n=n, clients=clients, seconds=seconds, note=note)
    write(text)
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return result


def render(result: HttpResult, *, workers: int, n: int, clients: int, seconds: int, note: str) -> str:
    from bench.run import machine_info
    from members.models import Member
    from orgs.models import Organization

    info = machine_info()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    root = Organization.objects.filter(code="TW").values_list("subtree_official", "subtree_probationary").first()
    members = sum(root) if root else Member.objects.count()
    lines = [
        f"## {now} UTC - HTTP bench (issue 19), {info['database']}, {members:,} active members",
        "",
        f"- machine: `{info['uname']}`",
        f"- CPU: {info['cpu']}, {info['cores']} cores, RAM {info['ram']}; database: {info['database']}",
        f"- server: gunicorn {workers} sync workers, DEBUG off, the production middleware (plus the bench's "
        "metrics middleware); client on the same machine, one request at a time per user",
        f"- cache: {cache} (sessions: {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}); run took "
        f"{result.seconds:.0f} s",
        f"- {n} varied requests per page kind (different organizations, members, search terms; fixed pages "
        f"{max(3, n // 4)} times each, the dashboard {n}); percentiles nearest-rank (p99 of fewer than 100 "
        "samples is the largest); 'first' is the first request of that kind (cold caches)",
        "- queries: counted on the server by `bench.middleware.BenchMetricsMiddleware` (execute_wrapper, only with "
        "PARTYWORK_BENCH_HTTP); CPU: the worker's process time for the request (Python only; PostgreSQL's own "
        "CPU is not in it); DB: wall time inside the queries",
    ]
    if note:
        lines.append(f"- note: {note}")
    lines += ["", "| user | page | n | p50 ms | p95 ms | p99 ms | first ms | queries | CPU ms (p50) | DB ms (p50) | "
              "p95 <= 100 | status |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in result.rows:
        s = row.summary()
        ok = "yes" if s["p95"] <= TARGET_MS else "no"
        statuses = ",".join(str(x) for x in s["statuses"])
        cpu = f"{s['cpu']:.1f}" if s["cpu"] is not None else "-"
        db = f"{s['db']:.1f}" if s["db"] is not None else "-"
        lines.append(f"| {row.user} | {row.page} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | "
                     f"{s['first']:.1f} | {s['queries']} | {cpu} | {db} | {ok} | {statuses} |")
    if result.throughput:
        bare = result.throughput[0][1]["rps"] or 1.0
        lines += ["", f"Throughput as the province secretary, {clients} concurrent clients for {seconds} s each, "
                  f"with {result.tool} ({'headless, bench/locustfile.py' if result.tool == 'locust' else 'threads'}"
                  ") on the same 2 cores as the server:", "",
                  "| what | requests/s | x bare view | requests | failures | p50 ms | p95 ms |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for what, t in result.throughput:
            lines.append(f"| {what} | {t['rps']:.1f} | {t['rps'] / bare:.3f} | {t['requests']} | {t['failures']} | "
                         f"{t['p50']:.0f} | {t['p95']:.0f} |")
    by_page: dict[str, list[float]] = defaultdict(list)
    for row in result.rows:
        by_page[row.page].append(row.summary()["p95"])
    missed = sorted((p for p, values in by_page.items() if max(values) > TARGET_MS))
    lines += ["", f"Pages over the 100 ms p95 target for at least one user: {len(missed)} of {len(by_page)}.", ""]
    return "\n".join(lines)
