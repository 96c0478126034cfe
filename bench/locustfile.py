"""The load of ``manage.py bench --http`` (bench/httpbench.py runs this file as a script, in its own process, since
locust patches the process for gevent): each locust user logs in through the login form, then requests the URLs
of BENCH_URLS (a JSON list) in turn, with no wait. Statistics are reset once every user has logged in, so the
rate counts only the pages; the result is printed as one JSON line."""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time

from locust import HttpUser, constant, task

URLS = json.loads(open(os.environ["BENCH_URLS"], encoding="utf-8").read())
_start = itertools.count()


class Reader(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/accounts/login/", name="login", allow_redirects=False,
                         data={"username": os.environ["BENCH_USERNAME"], "password": os.environ["BENCH_PASSWORD"],
                               "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{self.host}/accounts/login/"})
        k = next(_start) % len(URLS)  # each user starts elsewhere in the list
        self.urls = itertools.cycle(URLS[k:] + URLS[:k])

    @task
    def page(self) -> None:
        self.client.get(next(self.urls), name="page")


def main(host: str, clients: int, seconds: float) -> None:
    import gevent
    from locust.env import Environment

    env = Environment(user_classes=[Reader], host=host)
    runner = env.create_local_runner()
    runner.start(clients, spawn_rate=clients)
    deadline = time.monotonic() + 120
    while env.stats.get("login", "POST").num_requests < clients and time.monotonic() < deadline:
        gevent.sleep(0.1)
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    entry = env.stats.get("page", "GET")
    elapsed = time.monotonic() - started
    result = {"rps": entry.num_requests / elapsed, "requests": entry.num_requests, "failures": entry.num_failures,
              "p50": entry.get_response_time_percentile(0.5) or 0.0,
              "p95": entry.get_response_time_percentile(0.95) or 0.0}
    runner.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
