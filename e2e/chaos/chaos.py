#!/usr/bin/env python3
"""The fault suite: real gateway nodes, the real sandbox bank and a throwaway PostgreSQL cluster;
integrator-like load that retries with the same key until it gets an answer; kill -9, PostgreSQL
immediate restarts and a faulty bank; then checks against the gateway's database, the bank's
register (GET /ledger) and what a webhook receiver got. Standard library only.

    python3 e2e/chaos/chaos.py --bin target/debug/clickpay short
    python3 e2e/chaos/chaos.py --bin target/debug/clickpay long
    python3 e2e/chaos/chaos.py --bin target/debug/clickpay kill pg-restart

Exit status: 0 when every check holds, 1 on any violation (with --expect-violations: 0 when
violations were found, printed as findings), 2 when the suite itself could not run.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import glob
import http.server
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

FINAL = {"succeeded", "failed", "refunded", "partially_refunded", "canceled"}
# Where an operation may rest when the run ends: a two-stage payment's hold waits for its
# merchant (the 7-day expiry is beyond any run).
RESTING = FINAL | {"authorized"}
CHARGED = {"succeeded", "partially_refunded", "refunded"}
SCENARIOS = ["kill", "bank-slow", "bank-silent", "pg-restart", "two-nodes", "all"]
# The contract's test cards that need no browser (3-D Secure is not part of this load).
PAYMENT_CARDS = [("4242424242424242", 40), ("5555555555554444", 10), ("2200000000000004", 10),
                 ("4000000000000002", 15), ("4000000000009995", 10), ("4000000000000119", 15)]
PAYOUT_CARDS = [("4242424242424242", 60), ("4000000000000002", 20), ("4000000000000119", 20)]


def log(msg: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weighted(choices):
    return random.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--"] + cmd if os.geteuid() == 0 else cmd


# --- processes -----------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of the suite's own, in a temporary folder."""

    def __init__(self, root: str):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found (scripts/chaos installs them)")
        self.bin = os.path.dirname(bins[-1])
        self.dir = os.path.join(root, "pg")
        self.sock = os.path.join(root, "pgsock")
        self.port = free_port()
        os.makedirs(self.sock, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.sock, "postgres")
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", self.dir, "-U", "chaos", "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
        self.start()
        for db in ("gateway", "bank"):
            self.psql("postgres", f"CREATE DATABASE {db}")

    def opts(self) -> str:
        return (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.sock} "
                f"-c max_connections=200 -c fsync=on")

    def start(self) -> None:
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.dir, "-l", f"{self.dir}/../postgres.log",
                                    "-w", "-t", "60", "start", "-o", self.opts()]), check=True, stdout=subprocess.DEVNULL)

    def restart_immediate(self) -> None:
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.dir, "-l", f"{self.dir}/../postgres.log",
                                    "-w", "-t", "60", "restart", "-m", "immediate", "-o", self.opts()]),
                       check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.dir, "-w", "stop", "-m", "fast"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def url(self, db: str) -> str:
        return f"postgres://chaos@127.0.0.1:{self.port}/{db}"

    def psql(self, db: str, sql: str) -> list[list[str]]:
        """Rows of a query, as text; fields split on the unit separator."""
        for attempt in range(30):
            out = subprocess.run([f"{self.bin}/psql", self.url(db), "-v", "ON_ERROR_STOP=1", "-qtAX", "-F", "\x1f",
                                  "-c", sql], capture_output=True, text=True)
            if out.returncode == 0:
                return [line.split("\x1f") for line in out.stdout.splitlines() if line]
            if "starting up" in out.stderr or "Connection refused" in out.stderr or "shutting down" in out.stderr:
                time.sleep(1)
                continue
            raise RuntimeError(f"psql failed: {out.stderr.strip()}")
        raise RuntimeError("PostgreSQL did not come back")


class Proc:
    """A child process that can be killed with SIGKILL and started again."""

    def __init__(self, name: str, cmd: list[str], env: dict, logdir: str, health: str | None):
        self.name, self.cmd, self.env, self.health = name, cmd, env, health
        self.log = open(os.path.join(logdir, f"{name}.log"), "ab")
        self.p: subprocess.Popen | None = None

    def start(self) -> None:
        self.p = subprocess.Popen(self.cmd, env=self.env, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        if self.health:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(self.health, timeout=2) as r:
                        if r.status == 200:
                            return
                except OSError:
                    pass
                if self.p.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.p.returncode}")
                time.sleep(0.2)
            raise RuntimeError(f"{self.name} did not come up")

    def alive(self) -> bool:
        return self.p is not None and self.p.poll() is None

    def kill9(self) -> None:
        if self.alive():
            self.p.send_signal(signal.SIGKILL)
            self.p.wait()

    def stop(self) -> None:
        if self.alive():
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def http_json(method: str, url: str, body=None, headers=None, timeout=15.0):
    """(status, parsed body or None). Network failures raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, None


# --- the webhook receiver ------------------------------------------------------------------


class Receiver:
    """Acknowledges every notification at once and remembers its webhook-id. It runs as a
    process of its own (HTTP/1.1, keep-alive), so the load's threads never slow it down."""

    def __init__(self, root: str):
        self.port = free_port()
        self.file = os.path.join(root, "received.txt")
        self.p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--receive", str(self.port), self.file],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the webhook receiver did not start")

    @property
    def ids(self) -> set[str]:
        with open(self.file, encoding="utf-8") as f:
            return {line.strip() for line in f if line.strip()}

    def stop(self) -> None:
        self.p.terminate()


def receive(port: int, path: str) -> None:
    """The receiver process."""
    out = open(path, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                out.write((self.headers.get("webhook-id") or "") + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    server.serve_forever()


# --- the load ------------------------------------------------------------------------------


@dataclass
class Request:
    key: str
    kind: str  # payment | refund | payout | capture | cancel
    path: str
    body: dict
    answers: list = field(default_factory=list)  # (status, object id or error code)
    attempts: int = 0
    answered: bool = False


class Load:
    """Integrator-like clients: each request is retried with the same key and body after no
    answer, a 5xx or 409 request_in_progress, until it gets an answer or the deadline passes."""

    def __init__(self, nodes: list[str], api_key: str, clients: int, run_id: str):
        self.nodes, self.api_key, self.clients, self.run_id = nodes, api_key, clients, run_id
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.succeeded: list[tuple[str, Decimal]] = []  # payments a client may refund
        self.authorized: list[tuple[str, Decimal]] = []  # holds a client may capture or cancel
        self.stop_new = threading.Event()
        self.deadline = float("inf")
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for c in range(self.clients):
            t = threading.Thread(target=self.client, args=(c,), daemon=True)
            t.start()
            self.threads.append(t)

    def join(self) -> None:
        for t in self.threads:
            t.join()

    def next_request(self, c: int, n: int) -> Request:
        key = f"{self.run_id}-{c}-{n}"
        roll = random.random()
        amount = Decimal(random.randint(1000, 500000)) / 100
        with self.lock:
            refundable = list(self.succeeded)
            # Each hold is ended by one client, once (its retries reuse the key).
            held = self.authorized.pop(random.randrange(len(self.authorized))) if self.authorized and roll < 0.15 else None
        if held:
            pid, amt = held
            if random.random() < 0.3:
                return Request(key, "cancel", f"/api/v1/payments/{pid}/cancel", {})
            part = (amt * Decimal(random.randint(30, 100)) / 100).quantize(Decimal("0.01"))
            return Request(key, "capture", f"/api/v1/payments/{pid}/capture",
                           {"amount": str(max(part, Decimal("0.01")))} if random.random() < 0.6 else {})
        if roll < 0.25 and refundable:
            pid, amt = random.choice(refundable)
            part = max(Decimal("0.01"), (amt * Decimal(random.randint(5, 45)) / 100).quantize(Decimal("0.01")))
            return Request(key, "refund", f"/api/v1/payments/{pid}/refunds", {"amount": str(part), "reason": key})
        if roll < 0.45:
            return Request(key, "payout", "/api/v1/payouts", {
                "amount": str(amount), "currency": "RUB", "order_id": key,
                "card": {"number": weighted(PAYOUT_CARDS), "holder": "IVAN IVANOV"}})
        return Request(key, "payment", "/api/v1/payments", {
            "type": random.choice(["ecom", "aft"]), "amount": str(amount), "currency": "RUB", "order_id": key,
            "card": {"number": weighted(PAYMENT_CARDS), "exp_month": 12, "exp_year": 2034, "cvc": "123",
                     "holder": "IVAN IVANOV"},
            "return_url": "https://shop.example/return", "capture": random.random() >= 0.3})

    def client(self, c: int) -> None:
        n = 0
        while not self.stop_new.is_set():
            req = self.next_request(c, n)
            n += 1
            with self.lock:
                self.requests.append(req)
            try:
                self.send(req)
            except Exception as e:  # a driver bug must not pass for a lost answer
                log(f"client {c} failed on {req.key}: {e!r}")
                raise

    def send(self, req: Request) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": req.key}
        while time.time() < self.deadline:
            node = random.choice(self.nodes)
            req.attempts += 1
            try:
                status, body = http_json("POST", node + req.path, req.body, headers, timeout=20)
            except OSError:
                time.sleep(random.uniform(0.2, 1.0))
                continue
            code = ((body or {}).get("error") or {}).get("code") if isinstance(body, dict) else None
            if status >= 500 or (status == 409 and code == "request_in_progress") or status == 429:
                req.answers.append((status, code))
                time.sleep(random.uniform(0.3, 1.0))
                continue
            obj = body.get("id") if isinstance(body, dict) else None
            req.answers.append((status, obj or code))
            req.answered = True
            charged = body.get("status") == "succeeded" if isinstance(body, dict) else False
            if status == 201 and req.kind == "payment" and charged:
                with self.lock:
                    self.succeeded.append((obj, Decimal(body["amount"])))
            if status == 201 and req.kind == "payment" and body.get("status") == "authorized":
                with self.lock:
                    self.authorized.append((obj, Decimal(body["amount"])))
            if status == 200 and req.kind == "capture" and charged:
                with self.lock:
                    self.succeeded.append((obj, Decimal(body["captured_amount"])))
            return


# --- the suite -----------------------------------------------------------------------------


class Suite:
    def __init__(self, args, scenario: str, root: str):
        self.args, self.scenario, self.root = args, scenario, root
        self.faults = {"kills": 0, "pg_restarts": 0, "bank_faults": []}
        self.logdir = os.path.join(root, "logs")
        os.makedirs(self.logdir, exist_ok=True)
        self.cluster = Cluster(root)
        self.receiver = Receiver(root)
        self.bank_port = free_port()
        self.bank = Proc("bank", [args.bin, "sandbox-bank", "--port", str(self.bank_port), "--hang-seconds", "60"],
                         {**os.environ, "SANDBOX_BANK_DATABASE_URL": self.cluster.url("bank"), "RUST_LOG": "warn"},
                         self.logdir, f"http://127.0.0.1:{self.bank_port}/healthz")
        self.bank.start()
        two = scenario in ("two-nodes", "all")
        self.nodes = [self.node(i) for i in range(2 if two else 1)]

    def gateway_env(self, port: int) -> dict:
        config = os.path.join(self.root, "gateway.toml")
        if not os.path.exists(config):
            key = lambda: base64.b64encode(os.urandom(32)).decode()  # noqa: E731
            with open(config, "w") as f:
                f.write(f"""
environment = "local"
data_dir = "{self.root}/data"
[server]
allow_private_webhook_targets = true
[security]
jwt_secret = "{base64.b64encode(os.urandom(48)).decode()}"
card_encryption_key = "{key()}"
card_hash_key = "{key()}"
[rate_limits]
api_per_key_per_minute = 1000000
[payments]
settle_delay_seconds = 2
hosted_page_timeout_minutes = 1
[acquirer]
timeout_seconds = 2
label = "chaos"
[workers]
poll_interval_ms = 250
[webhooks]
retry_schedule_seconds = [1, 2, 4, 8, 15, 30, 60, 120]
timeout_seconds = 5
lease_seconds = 10
""")
        return {**os.environ, "CLICKPAY_CONFIG": config, "DATABASE_URL": self.cluster.url("gateway"),
                "PORT": str(port), "CLICKPAY_ACQUIRER_URL": f"http://127.0.0.1:{self.bank_port}", "RUST_LOG": "warn"}

    def node(self, i: int) -> Proc:
        port = free_port()
        p = Proc(f"gateway-{i}", [self.args.bin, "serve"], self.gateway_env(port), self.logdir,
                 f"http://127.0.0.1:{port}/healthz")
        p.port = port
        return p

    def setup(self) -> str:
        env = self.nodes[0].env
        subprocess.run([self.args.bin, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        password = self.password = "Chaos-password-" + os.urandom(6).hex()
        subprocess.run([self.args.bin, "create-admin", "--login", "chaos", "--password", password], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        for n in self.nodes:
            n.start()
        base = f"http://127.0.0.1:{self.nodes[0].port}/cabinet/api/v1"
        _, login = http_json("POST", base + "/auth/login", {"method": "login", "identifier": "chaos", "password": password})
        auth = {"Authorization": f"Bearer {login['token']}"}
        terminals = [{"type": t, "service_fee_percent": "0.7", "bank_fee_percent": "0.45", "min_fee": "45.00"}
                     for t in ("ecom", "aft", "oct")]
        status, org = http_json("POST", base + "/admin/organizations", {
            "name": "ООО Хаос", "inn": "7707083893", "bank_name": "АО БАНК «СНГБ»",
            "notification_url": f"http://127.0.0.1:{self.receiver.port}/hooks", "terminals": terminals}, auth)
        assert status == 201, (status, org)
        status, key = http_json("POST", base + f"/admin/organizations/{org['id']}/api-keys", None, auth)
        assert status in (200, 201), (status, key)
        return key["key"]

    # --- faults ---

    def bank_fault(self, name: str, rule: dict | None) -> None:
        url = f"http://127.0.0.1:{self.bank_port}/faults/{name}"
        if rule is None:
            try:
                http_json("DELETE", url)
            except OSError:
                pass
            return
        http_json("PUT", url, rule)
        self.faults["bank_faults"].append(name)

    def kill_loop(self, stop: threading.Event, every: tuple[float, float], victims: list[Proc]) -> None:
        while not stop.wait(random.uniform(*every)):
            victim = random.choice(victims)
            victim.kill9()
            self.faults["kills"] += 1
            log(f"kill -9 {victim.name} (#{self.faults['kills']})")
            stop.wait(random.uniform(0.3, 2.0))
            victim.start()

    def pg_loop(self, stop: threading.Event, every: tuple[float, float]) -> None:
        while not stop.wait(random.uniform(*every)):
            self.cluster.restart_immediate()
            self.faults["pg_restarts"] += 1
            log(f"pg_ctl restart -m immediate (#{self.faults['pg_restarts']})")

    def run(self) -> dict:
        api_key = self.setup()
        nodes = [f"http://127.0.0.1:{n.port}" for n in self.nodes]
        load = Load(nodes, api_key, self.args.clients, f"{self.scenario}-{os.urandom(3).hex()}")
        duration = self.args.duration
        kills = self.args.kills
        spacing = (duration * 0.6 / max(kills, 1), duration * 0.95 / max(kills, 1))
        stop = threading.Event()
        loops = []
        s = self.scenario
        if s in ("kill", "all"):
            loops.append(threading.Thread(target=self.kill_loop, args=(stop, spacing, self.nodes)))
        if s == "two-nodes":
            # One node is killed again and again while the other keeps serving.
            loops.append(threading.Thread(target=self.kill_loop, args=(stop, spacing, self.nodes[:1])))
        if s in ("pg-restart", "all"):
            n = self.args.pg_restarts
            loops.append(threading.Thread(target=self.pg_loop, args=(stop, (duration * 0.5 / n, duration * 0.9 / n))))
        # The gateway labels its bank calls "chaos" (acquirer.label), so the rule selects them all.
        rule: dict = {}
        if s in ("bank-slow", "all"):
            rule["latency"] = {"min_ms": 50, "max_ms": 800, "tail_ms": 2500, "tail_rate": 0.05}
        if s in ("bank-silent", "all"):
            rule.update(no_answer_rate=0.15, error_after_rate=0.05, error_before_rate=0.05, drop_rate=0.05)
        if rule:
            self.bank_fault("chaos", rule)
        log(f"scenario {s}: {len(self.nodes)} node(s), {self.args.clients} clients, {duration} s of load")
        started = time.time()
        load.start()
        for t in loops:
            t.start()
        time.sleep(duration)
        load.stop_new.set()
        stop.set()
        for t in loops:
            t.join()
        # The faults stop: the bank behaves, every node runs, and the clients finish their retries.
        self.bank_fault("chaos", None)
        for n in self.nodes:
            if not n.alive():
                n.start()
        window = time.time() + self.args.settle
        load.deadline = window
        load.join()
        log(f"load done in {time.time() - started:.0f} s: {len(load.requests)} requests; settling")
        self.wait_settled(max(window, time.time() + 10))
        try:
            self.reconciled = self.reconcile(started)
        except (OSError, KeyError, TypeError) as e:
            self.reconciled = [f"the reconciliation could not be asked: {e!r}"]
        for n in self.nodes:
            n.stop()
        return Checks(self, load).run()

    def reconcile(self, started: float) -> list[str]:
        """The gateway's own reconciliation of the load's Moscow days against the bank's register,
        run by staff's API: what it left open (it settles what it can, as recovery would)."""
        base = f"http://127.0.0.1:{self.nodes[0].port}/cabinet/api/v1"
        _, login = http_json("POST", base + "/auth/login",
                             {"method": "login", "identifier": "chaos", "password": self.password})
        auth = {"Authorization": f"Bearer {login['token']}"}
        moscow = datetime.timezone(datetime.timedelta(hours=3))
        days = sorted({datetime.datetime.fromtimestamp(t, moscow).date().isoformat() for t in (started, time.time())})
        found = []
        self.reconciled_counts = Counter()
        for day in days:
            status, result = http_json("POST", base + f"/admin/reconciliation/days/{day}/run", {}, auth, timeout=300)
            run = result["runs"][0] if status == 200 and result["runs"] else {}
            if run.get("status") != "completed":
                found.append(f"the run of {day} did not complete: HTTP {status}, {run.get('error') or result}")
                continue
            self.reconciled_counts.update({k: run[k] for k in ("bank_lines", "matched", "settled", "mismatched")})
            for d in result["discrepancies"]:
                if d["status"] == "open":
                    gateway = d["gateway"] and f"{d['gateway']['operation_type']} {d['gateway']['status']}"
                    bank = d["bank"] and f"{d['bank']['status']} {d['bank']['amount']}"
                    found.append(f"{day}: {d['kind']} {d['type']} {d['reference']}: bank {bank}, gateway {gateway}")
        return found

    def wait_settled(self, deadline: float) -> None:
        while time.time() < deadline:
            rows = self.cluster.psql("gateway", """
                SELECT (SELECT count(*) FROM operations WHERE status NOT IN ('succeeded','failed','refunded','partially_refunded','canceled','authorized')),
                       (SELECT count(*) FROM events WHERE delivery_status = 'pending')""")
            open_ops, pending_events = int(rows[0][0]), int(rows[0][1])
            if open_ops == 0 and pending_events == 0:
                return
            time.sleep(1)
        log("settlement window over with work still open")

    def close(self) -> None:
        for n in self.nodes:
            n.kill9()
        self.bank.kill9()
        self.receiver.stop()
        self.cluster.stop()


# --- the checks ----------------------------------------------------------------------------


class Checks:
    def __init__(self, suite: Suite, load: Load):
        self.suite, self.load = suite, load
        self.violations: dict[str, list[str]] = defaultdict(list)

    def fail(self, check: str, example: str) -> None:
        self.violations[check].append(example)

    def ledger(self) -> list[dict]:
        out, after = [], ""
        while True:
            status, page = http_json("GET", f"http://127.0.0.1:{self.suite.bank_port}/ledger?limit=1000{after}")
            if status == 503:  # older transactions still run: the bank will not answer short
                time.sleep(0.5)
                continue
            out.extend(page["data"])
            if not page["next"]:
                return out
            after = f"&after={page['next']}"

    def run(self) -> dict:
        db = self.suite.cluster
        # The bank may have been killed by nothing here, but it must answer for the checks.
        if not self.suite.bank.alive():
            self.suite.bank.start()
        ops = {r[0]: {"id": r[0], "type": r[1], "status": r[2], "amount": Decimal(r[3]), "parent": r[4] or None,
                      "order_id": r[5] or None, "reason": r[6] or None, "reference": r[7], "bank_id": r[8] or None,
                      "refunded": Decimal(r[9]), "two_stage": r[10] == "f", "captured": Decimal(r[11]) if r[11] else None}
               for r in db.psql("gateway", """SELECT id, type, status, amount, coalesce(parent_id::text, ''),
                    coalesce(order_id, ''), coalesce(reason, ''), acquirer_reference, coalesce(bank_transaction_id, ''),
                    refunded_amount, capture, coalesce(captured_amount::text, '') FROM operations""")}
        events = db.psql("gateway", "SELECT id, coalesce(operation_id::text, ''), type, delivery_status FROM events")
        lag = db.psql("gateway", """SELECT coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))::numeric, 1), 0),
                                            coalesce(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))::numeric, 1), 0),
                                            coalesce(round(max(extract(epoch FROM delivered_at - created_at))::numeric, 1), 0),
                                            (SELECT count(*) FROM delivery_attempts)
                                       FROM events WHERE delivered_at IS NOT NULL""")[0]
        ledger = self.ledger()

        # 1. Every operation is in a final state (or holds its amount for the merchant), and every
        # answered capture or cancel ended its hold that way.
        for op in ops.values():
            if op["status"] not in RESTING:
                self.fail("final state", f"{op['type']} {op['id']} is still {op['status']}")
        for req in self.load.requests:
            if req.kind in ("capture", "cancel") and req.answered and req.answers[-1][0] == 200:
                op = ops.get(req.answers[-1][1])
                want = CHARGED if req.kind == "capture" else {"canceled"}
                if op is None or op["status"] not in want:
                    self.fail("final state", f"{req.kind} {req.key} answered 200, payment is {op and op['status']}")
                elif req.kind == "capture" and req.body.get("amount") and op["captured"] != Decimal(req.body["amount"]):
                    self.fail("final state", f"capture {req.key} asked {req.body['amount']}, captured {op['captured']}")

        # 2. Every key maps to exactly one operation, and every answer of a key named the same one.
        by_key = defaultdict(list)
        for op in ops.values():
            k = op["reason"] if op["type"] == "refund" else op["order_id"]
            if k:
                by_key[k].append(op["id"])
        for req in self.load.requests:
            made = by_key.get(req.key, [])
            ids = {a[1] for a in req.answers if a[0] in (200, 201)}
            if not req.answered:
                last = req.answers[-1] if req.answers else "no answer at all"
                self.fail("every key answered", f"key {req.key} ({req.kind}, {req.attempts} tries): last {last}")
            if len(made) > 1:
                self.fail("one operation per key", f"key {req.key} made {len(made)} operations: {made}")
            if len(ids) > 1:
                self.fail("same answer per key", f"key {req.key} was answered with {sorted(ids)}")
            if req.kind in ("capture", "cancel"):
                continue  # they name the payment they ended, and make no operation
            if ids and made and ids != set(made):
                self.fail("same answer per key", f"key {req.key} answered {ids} but made {made}")
            if req.answered and req.answers[-1][0] == 201 and not made:
                self.fail("one operation per key", f"key {req.key} answered 201 but no operation exists")

        # 3. The contract's one-to-one rule between the register and the operations: a one-stage
        # payment is a debit; a two-stage one a hold of its amount, then a capture of its captured
        # amount (charged) or a release (canceled); a payout a credit; a refund a refund.
        by_ref = {op["reference"]: op for op in ops.values()}

        def first_type(op):
            if op["type"] in ("ecom", "aft"):
                return "hold" if op["two_stage"] else "debit"
            return {"oct": "credit", "refund": "refund"}[op["type"]]

        seen = set()
        for e in ledger:
            op = by_ref.get(e["reference"])
            seen.add((e["reference"], e["type"], e["status"]))
            if op is None:
                if e["status"] == "approved":
                    self.fail("register ↔ operations", f"bank {e['type']} {e['reference']} approved, unknown to the gateway")
                continue
            amount, t = Decimal(e["amount"]), e["type"]
            if e["status"] == "declined":
                # A declined capture ends in the hold's release (the payment canceled); a release
                # is never declined; any other decline is a failed operation.
                want = {"capture": "canceled", "release": None}.get(t, "failed")
                if op["status"] != want:
                    self.fail("register ↔ operations", f"bank declined {t} {e['reference']}, gateway says {op['status']}")
                continue
            if t == first_type(op):
                ok_status = op["status"] in (CHARGED | {"authorized", "canceled"} if t == "hold" else CHARGED)
                if not ok_status:
                    self.fail("register ↔ operations", f"bank approved {t} {e['reference']} ({amount}), gateway says {op['status']}")
                elif amount != op["amount"] or e["bank_transaction_id"] != op["bank_id"]:
                    self.fail("register ↔ operations", f"{e['reference']}: amount or bank id differ")
            elif t == "capture" and op["two_stage"]:
                if op["status"] not in CHARGED or amount != op["captured"]:
                    self.fail("register ↔ operations",
                              f"bank captured {amount} of {e['reference']}, gateway says {op['status']} {op['captured']}")
            elif t == "release" and op["two_stage"]:
                if op["status"] != "canceled":
                    self.fail("register ↔ operations", f"bank released {e['reference']}, gateway says {op['status']}")
            else:
                self.fail("register ↔ operations", f"{e['reference']}: bank {t} for a {op['type']}")
        for op in ops.values():
            want = []
            if op["status"] in CHARGED:
                want = ["hold", "capture"] if op["two_stage"] else [first_type(op)]
            elif op["status"] == "authorized":
                want = ["hold"]
            elif op["status"] == "canceled":
                want = ["hold", "release"]
            for t in want:
                if (op["reference"], t, "approved") not in seen:
                    self.fail("register ↔ operations", f"gateway {op['type']} {op['id']} {op['status']}, no {t} in the register")
            if op["two_stage"] and op["status"] in CHARGED and op["captured"] is None:
                self.fail("register ↔ operations", f"payment {op['id']} {op['status']} without a captured amount")

        # 4. Refunds never exceed their payments.
        refunded = defaultdict(Decimal)
        for op in ops.values():
            if op["type"] == "refund" and op["status"] == "succeeded":
                refunded[op["parent"]] += op["amount"]
        for pid, total in refunded.items():
            payment = ops[pid]
            if total > (payment["captured"] or Decimal(0)):
                self.fail("refunds within payments", f"payment {pid}: refunds {total} > captured {payment['captured']}")
            if payment["status"] in FINAL and payment["refunded"] != total:
                self.fail("refunds within payments", f"payment {pid}: refunded_amount {payment['refunded']} ≠ {total}")

        # 5. Every final state has its event, and every event reached the receiver.
        kinds = defaultdict(set)
        for _, op_id, etype, _ in events:
            kinds[op_id].add(etype)
        for op in ops.values():
            want = set()
            if op["type"] in ("ecom", "aft"):
                want = {"succeeded": {"payment.succeeded"}, "failed": {"payment.failed"},
                        "partially_refunded": {"payment.succeeded", "payment.refunded"},
                        "refunded": {"payment.succeeded", "payment.refunded"},
                        "authorized": {"payment.authorized"}, "canceled": {"payment.canceled"}}.get(op["status"], set())
                if op["two_stage"] and op["status"] != "failed":
                    want = want | {"payment.authorized"}
                unexpected = {"payment.authorized", "payment.canceled"} & kinds[op["id"]]
                if not op["two_stage"] and unexpected:
                    self.fail("every final state announced", f"one-stage {op['id']} announced {sorted(unexpected)}")
            elif op["type"] == "oct":
                want = {f"payout.{op['status']}"} if op["status"] in ("succeeded", "failed") else set()
            elif op["status"] in ("succeeded", "failed"):
                want = {f"refund.{op['status']}"}
            missing = want - kinds[op["id"]]
            if missing:
                self.fail("every final state announced", f"{op['type']} {op['id']} {op['status']}: no {sorted(missing)}")
        received = self.suite.receiver.ids
        for ev_id, op_id, etype, status in events:
            if ev_id not in received:
                self.fail("every event delivered", f"{etype} {ev_id} of {op_id} ({status}) never reached the receiver")

        # 6. The ledger: every success posted exactly once with balanced entries, every balance and
        # statement equal to what the operations say (`clickpay ledger verify`, which recomputes it).
        verified = subprocess.run([self.suite.args.bin, "ledger", "verify"], env=self.suite.nodes[0].env,
                                  capture_output=True, text=True)
        if verified.returncode != 0:
            failed = [line.strip() for line in verified.stdout.splitlines() if "FAILED" in line or line.startswith("      ")]
            self.fail("ledger verify", " | ".join(failed[:4]) or verified.stderr.strip()[-400:])
        # 7. The gateway's own reconciliation of the days agrees with the register: nothing open.
        for example in self.suite.reconciled:
            self.fail("reconciliation finds nothing open", example)

        counts = defaultdict(int)
        for op in ops.values():
            counts[f"{op['type']} {op['status']}"] += 1
        return {
            "scenario": self.suite.scenario,
            "requests": len(self.load.requests),
            "requests_by_kind": dict(sorted(Counter(r.kind for r in self.load.requests).items())),
            "operations": len(ops),
            "by_kind": dict(sorted(counts.items())),
            "register_lines": len(ledger),
            "reconciled": dict(getattr(self.suite, "reconciled_counts", {})),
            "events": len(events),
            "delivery_lag_s": {"p50": float(lag[0]), "p99": float(lag[1]), "max": float(lag[2]), "attempts": int(lag[3])},
            "kills": self.suite.faults["kills"],
            "pg_restarts": self.suite.faults["pg_restarts"],
            "nodes": len(self.suite.nodes),
            "bank_faults": sorted(set(self.suite.faults["bank_faults"])),
            "violations": {k: {"count": len(v), "example": v[0]} for k, v in self.violations.items()},
        }


CHECKS = ["final state", "every key answered", "one operation per key", "same answer per key",
          "register ↔ operations", "refunds within payments", "every final state announced", "every event delivered",
          "ledger verify", "reconciliation finds nothing open"]


def print_report(r: dict) -> None:
    print(f"\n=== scenario {r['scenario']}: {r['requests']} requests, {r['operations']} operations, "
          f"{r['register_lines']} register lines, {r['events']} events")
    print(f"    faults: {r['kills']} kill -9, {r['pg_restarts']} PostgreSQL restarts, {r['nodes']} node(s), "
          f"bank faults {r['bank_faults'] or 'none'}")
    print("    requests: " + ", ".join(f"{k} {v}" for k, v in r.get("requests_by_kind", {}).items()))
    print("    operations: " + ", ".join(f"{k} {v}" for k, v in r["by_kind"].items()))
    lag = r["delivery_lag_s"]
    print(f"    notifications: {lag['attempts']} attempts; from event to delivery p50 {lag['p50']} s, "
          f"p99 {lag['p99']} s, max {lag['max']} s")
    rec = r.get("reconciled", {})
    print(f"    reconciliation: {rec.get('bank_lines', 0)} register lines of the days, {rec.get('matched', 0)} matched, "
          f"{rec.get('settled', 0)} settled, {rec.get('mismatched', 0)} mismatched")
    for check in CHECKS:
        v = r["violations"].get(check)
        print(f"    {'FAIL' if v else 'ok  '} {check}: {v['count'] if v else 0} violations"
              + (f"; e.g. {v['example']}" if v else ""))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--receive":
        receive(int(sys.argv[2]), sys.argv[3])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", default=["short"],
                    help="short (one combined run), long (every scenario), or scenario names: " + ", ".join(SCENARIOS))
    ap.add_argument("--bin", required=True, help="the clickpay binary")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, help="seconds of load per scenario")
    ap.add_argument("--kills", type=int, help="kill -9 per scenario that kills")
    ap.add_argument("--pg-restarts", type=int, help="PostgreSQL restarts per scenario that restarts")
    ap.add_argument("--settle", type=float, default=90, help="the settlement window after the faults stop")
    ap.add_argument("--report", help="write the results as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the run folder (logs, cluster)")
    ap.add_argument("--expect-violations", action="store_true",
                    help="an expected failure: exit 0 when violations are found (they are printed)")
    ap.add_argument("--seed", type=int)
    args = ap.parse_args()
    if args.seed is not None:
        random.seed(args.seed)
    long_form = args.scenarios == ["long"]
    if args.scenarios == ["short"]:
        names = ["all"]
        args.duration = args.duration or 45
        args.kills = args.kills or 3
        args.pg_restarts = args.pg_restarts or 1
    else:
        names = SCENARIOS if long_form else args.scenarios
        args.duration = args.duration or (150 if long_form else 60)
        args.kills = args.kills or 10
        args.pg_restarts = args.pg_restarts or (5 if long_form else 2)
    for n in names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n}")
    reports = []
    for name in names:
        root = tempfile.mkdtemp(prefix=f"clickpay-chaos-{name}-")
        suite = None
        try:
            suite = Suite(args, name, root)
            reports.append(suite.run())
            print_report(reports[-1])
        except Exception as e:  # the suite itself broke: not a finding
            log(f"scenario {name} could not run: {e!r}; logs in {root}/logs")
            return 2
        finally:
            if suite:
                suite.close()
        if args.keep or reports[-1]["violations"]:
            log(f"run folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if args.report:
        with open(args.report, "w") as f:
            json.dump(reports, f, indent=2, ensure_ascii=False)
    total = sum(v["count"] for r in reports for v in r["violations"].values())
    print(f"\nchaos: {len(reports)} scenario(s), {total} violations")
    if args.expect_violations:
        print("chaos: an expected failure until the crash-safety work lands" if total else
              "chaos: passed although violations were expected: drop --expect-violations")
        return 0
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
