"""The simulated users of benchmarks/load.py (run by locust; not part of the app).

Every request is recorded (type, milliseconds, failed) and written to $BENCH_OUT when
locust quits, with what became of the compile and the import, so that load.py computes
exact percentiles per type and in total.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, events, task

TARGETS: dict[str, Any] = json.loads(Path(os.environ["BENCH_TARGETS"]).read_text())
PASSWORD = os.environ["BENCH_PASSWORD"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The session forms of the register page: the session's id, and whether it is the
# waiting list's button (the session is full).
SESSION_FORM = re.compile(
    r'name="session" value="(\d+)">\s*(<input type="hidden" name="waitlist")?'
)

WAITLIST = '<input type="hidden" name="waitlist"'
ERROR_SUMMARY = re.compile(r'id="error-summary-title">.*?<li>(.*?)</li>', re.S)

REQUESTS: list[list[Any]] = []
ERRORS: Counter[str] = Counter()
FLOWS: dict[str, Any] = {}

OP_NAMES = sorted(TARGETS["op"])
# Each add and each registration once (a second one is refused, and rightly so).
ADDS = {name: random.sample(t["adds"], len(t["adds"])) for name, t in TARGETS["op"].items()}
REGISTERS = {name: list(t["registers"]) for name, t in TARGETS["op"].items()}
_op_logins = itertools.cycle(OP_NAMES)
# The floor run logs in as the mix does: four O&P staff to one of the bureau.
_floor_logins = itertools.cycle(
    ["bureau" if i % 5 == 4 else OP_NAMES[i % len(OP_NAMES)] for i in range(5 * len(OP_NAMES))]
)


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    REQUESTS.append([name, response_time, exception is not None])
    if exception is not None:
        ERRORS[f"{name}: {exception}"[:200]] += 1


@events.quitting.add_listener
def _write(**_: Any) -> None:
    Path(os.environ["BENCH_OUT"]).write_text(
        json.dumps({"requests": REQUESTS, "errors": dict(ERRORS), "flows": FLOWS})
    )


class _User(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login").text
        with self.client.post(
            "/accounts/login/",
            name="login",
            data={"username": self.username, "password": PASSWORD, **self.token(page)},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username}: status {response.status_code}")

    @staticmethod
    def token(text: str) -> dict[str, str]:
        match = TOKEN.search(text or "")
        return {"csrfmiddlewaretoken": match.group(1)} if match else {}

    def get(self, url: str, name: str, **kwargs: Any) -> Any:
        # A redirect (to the login page) must not count as a served page.
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.error or ''}")
            return response

    def post(
        self,
        url: str,
        name: str,
        data: dict[str, Any],
        *,
        ok: tuple[int, ...] = (302,),
        **kwargs: Any,
    ) -> Any:
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code not in ok:
                response.failure(f"status {response.status_code} {response.error or ''}")
            return response


class OPStaff(_User):
    """O&P staff of one ministry: browsing mostly, some editing."""

    weight = 4

    def on_start(self) -> None:
        self.username = next(_op_logins)
        self.targets = TARGETS["op"][self.username]
        super().on_start()

    @task(4)
    def committee_list(self) -> None:
        self.get("/committees/", "committee list")

    @task(4)
    def committee_page(self) -> None:
        self.get(random.choice(self.targets["committees"]), "committee page")

    @task(2)
    def dashboard(self) -> None:
        self.get(self.targets["dashboard"], "dashboard")

    @task(2)
    def person_page(self) -> None:
        self.get(random.choice(self.targets["people"]), "person page")

    @task(2)
    def people_search(self) -> None:
        self.get("/people/", "people search", params={"q": random.choice(self.targets["searches"])})

    @task(1)
    def committee_edit(self) -> None:
        edit = random.choice(self.targets["edits"])
        form = self.get(edit["url"], "committee edit (form)")
        data = dict(edit["fields"], notes=f"Belast door locust {random.randint(1, 10**6)}")
        self.post(edit["url"], "committee edit (POST)", {**data, **self.token(form.text)})

    @task(1)
    def add_member(self) -> None:
        pool = ADDS[self.username]
        if not pool:
            return
        pair = pool.pop()
        url = f"/committees/{pair['committee']}/"
        page = self.get(url, "committee page")
        data = {"person": pair["person"], "role": "member", **self.token(page.text)}
        response = self.post(f"{url}members/add/", "add member (POST)", data, ok=(200, 302))
        if response.status_code == 200:
            # The ministry asks why an untrained member joins: its own step.
            if 'name="justification"' not in response.text:
                response.failure("status 200 without the justification step")
                return
            data.update(justification="Belast door locust", **self.token(response.text))
            self.post(f"{url}members/add/", "add member, justification (POST)", data)

    @task(1)
    def register(self) -> None:
        pool = REGISTERS[self.username]
        if not pool:
            return
        url = pool.pop()
        page = self.get(url, "register for a session (form)")
        sessions = SESSION_FORM.findall(page.text or "")
        if not sessions:
            return  # no session before the interview date: the page says what to do
        # The first session with places; the first waiting list when all are full.
        free = [pk for pk, full in sessions if not full]
        data = {"session": free[0]} if free else {"session": sessions[0][0], "waitlist": "on"}
        data.update(self.token(page.text))
        name = "register for a session (POST)"
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                return
            if response.status_code == 400 and TRAINED_MEANWHILE in (response.text or ""):
                # The import running beside the users trained this member since the form
                # was shown: the page says so, and nothing is left to do (a handled race).
                response.success()
                return
            # Another user took the last place since the page was shown: the page says
            # so and offers that session's waiting list, which a person would then join.
            waitlist = SESSION_FORM.findall(response.text or "")
            if response.status_code != 400 or (data["session"], WAITLIST) not in waitlist:
                problem = ERROR_SUMMARY.search(response.text or "")
                reason = problem.group(1).strip() if problem else ""
                response.failure(f"status {response.status_code} {reason[:120]}")
                return
            response.success()
        self.post(url, "register, waiting list after full (POST)", {**data, "waitlist": "on"})


# The refusal's words (Dutch, the users' language) when the member needs no place.
TRAINED_MEANWHILE = "al getraind voor deze commissie"


class Bureau(_User):
    """The programme bureau: the frozen report files and the overviews."""

    weight = 1
    username = "bureau"

    @task(3)
    def report_download(self) -> None:
        self.get(random.choice(TARGETS["bureau"]["downloads"]), "report download")

    @task(2)
    def home(self) -> None:
        self.get("/", "home overview (bureau)")

    @task(1)
    def suppliers(self) -> None:
        self.get("/reports/suppliers/", "supplier comparison")


class _OneFlow(_User):
    """One user doing one long job during the run, then nothing."""

    abstract = True
    fixed_count = 1
    wait_time = constant(1)
    done = False

    @task
    def flow(self) -> None:
        if self.done:
            time.sleep(5)
            return
        time.sleep(10)  # under way first: the job runs beside the full load
        self.done = True
        self.run_flow()

    def follow(self, url: str, name: str, *, every: float, busy: Any) -> float:
        """Reload `url` every `every` seconds while `busy(response)`; seconds taken."""
        began = time.monotonic()
        while time.monotonic() - began < 900:
            response = self.get(url, name)
            if response.status_code != 200 or not busy(response):
                break
            time.sleep(every)
        return round(time.monotonic() - began, 1)

    def run_flow(self) -> None:
        raise NotImplementedError


class Compiler(_OneFlow):
    """The bureau compiles a quarter and follows the job page (it reloads itself every
    3 s while the job runs: the Refresh header)."""

    username = "bureau"

    def run_flow(self) -> None:
        page = self.get("/reports/", "report index")
        quarter = TARGETS["bureau"]["compile_quarter"]
        FLOWS["compile_quarter"] = quarter
        began = time.monotonic()
        data = {"quarter": quarter, "kind": "all", **self.token(page.text)}
        response = self.post("/reports/compile/", "compile (POST)", data)
        match = re.search(r"/reports/jobs/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        FLOWS["job"] = int(match.group(1))
        self.follow(
            f"/reports/jobs/{FLOWS['job']}/", "job page (reloads)", every=3,
            busy=lambda r: "Refresh" in r.headers,
        )  # fmt: skip
        FLOWS["compile_seconds"] = round(time.monotonic() - began, 1)


class Importer(_OneFlow):
    """An administrator uploads a supplier's attendance list, follows the preview, applies
    it and follows that (the progress fragment asks again every second while busy)."""

    username = "beheer"

    def run_flow(self) -> None:
        spec = TARGETS["import"]
        FLOWS["import_rows"] = spec["rows"]
        page = self.get("/imports/", "import page")
        with open(spec["path"], "rb") as upload:
            response = self.post(
                "/imports/", "import upload (POST)",
                {"supplier": spec["supplier"], **self.token(page.text)},
                files={"file": ("aanwezigheid.csv", upload, "text/csv")},
            )  # fmt: skip
        match = re.search(r"/imports/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        batch = FLOWS["batch"] = int(match.group(1))
        progress = f"/imports/{batch}/progress/"
        working = lambda r: "hx-get" in r.text  # noqa: E731
        FLOWS["preview_seconds"] = self.follow(progress, "import progress", every=1, busy=working)
        detail = self.get(f"/imports/{batch}/", "import page (batch)")
        self.post(
            f"/imports/{batch}/apply/",
            "import apply (POST)",
            {"hold_invalid": "on", **self.token(detail.text)},
        )
        FLOWS["apply_seconds"] = self.follow(progress, "import progress", every=1, busy=working)


class FloorUser(_User):
    """The floor run: the same crowd asking only /privacy/."""

    def on_start(self) -> None:
        self.username = next(_floor_logins)
        super().on_start()

    @task
    def floor(self) -> None:
        self.get("/privacy/", "floor (/privacy/)")
