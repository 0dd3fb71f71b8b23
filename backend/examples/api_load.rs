//! The payment API's load generator, driven by `scripts/bench-api` (which starts PostgreSQL, the
//! sandbox bank and a release build of the server, and runs pgbench beside it).
//!
//! It sets up an organization (terminals, a notification URL pointing at its own receiver,
//! which answers 200 at once) and an API key, then runs each phase for `--seconds`:
//! create with unique keys, replay of one key, GET by id, the list, and the fault suite's
//! mixed workload; each at full load (closed loop, `--connections` clients) and at half of the
//! rate measured at full load (open loop: latency counts from when a request was due, so a
//! stall is not hidden). During the create phase it samples `/metrics` each second for the age
//! of the oldest due webhook event. It prints one JSON object per phase.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Parser, Debug, Clone)]
struct Args {
    /// The gateway's base URL.
    #[arg(long)]
    base: String,
    #[arg(long)]
    admin_login: String,
    #[arg(long)]
    admin_password: String,
    /// The port of the webhook receiver this process serves.
    #[arg(long)]
    receiver_port: u16,
    #[arg(long, default_value_t = 8)]
    connections: usize,
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Only these phases (comma-separated): create, replay, get, list, mixed.
    #[arg(long, default_value = "create,replay,get,list,mixed")]
    phases: String,
}

#[derive(Clone)]
struct Ctx {
    client: reqwest::Client,
    base: String,
    key: String,
    counter: Arc<AtomicU64>,
    run: String,
    /// Payments that succeeded (id, amount in kopecks): for GETs and refunds.
    paid: Arc<Mutex<Vec<(String, u64)>>>,
    /// Holds waiting for a capture.
    held: Arc<Mutex<Vec<String>>>,
}

const CARDS: &[&str] = &["4242424242424242", "5555555555554444", "2200000000000004"];

impl Ctx {
    fn next_key(&self) -> String {
        format!("{}-{}", self.run, self.counter.fetch_add(1, Ordering::Relaxed))
    }

    async fn post(&self, path: &str, key: &str, body: &Value) -> reqwest::Result<(u16, Value)> {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await?;
        let status = res.status().as_u16();
        Ok((status, res.json().await.unwrap_or(Value::Null)))
    }

    async fn get(&self, path: &str) -> reqwest::Result<u16> {
        let res = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.key).send().await?;
        let status = res.status().as_u16();
        res.bytes().await?;
        Ok(status)
    }

    fn payment(&self, n: u64, capture: bool) -> Value {
        json!({
            "type": if n.is_multiple_of(4) { "aft" } else { "ecom" },
            "amount": format!("{}.{:02}", 100 + n % 4900, n % 100),
            "currency": "RUB",
            "order_id": format!("bench-{n}"),
            "card": {"number": CARDS[(n % 3) as usize], "exp_month": 12, "exp_year": 2034, "cvc": "123",
                     "holder": "IVAN IVANOV"},
            "return_url": "https://shop.example/return",
            "capture": capture,
        })
    }

    async fn create(&self, capture: bool) -> reqwest::Result<u16> {
        let key = self.next_key();
        let n = self.counter.load(Ordering::Relaxed);
        let (status, body) = self.post("/api/v1/payments", &key, &self.payment(n, capture)).await?;
        if let (Some(id), Some(st)) = (body["id"].as_str(), body["status"].as_str()) {
            let kopecks = body["amount"].as_str().and_then(kopecks).unwrap_or(0);
            match st {
                "succeeded" => self.paid.lock().await.push((id.to_owned(), kopecks)),
                "authorized" => self.held.lock().await.push(id.to_owned()),
                _ => {}
            }
        }
        Ok(status)
    }

    /// The fault suite's mix: payments (30 % two-stage), payouts, refunds, captures.
    async fn mixed(&self) -> reqwest::Result<u16> {
        let n = self.counter.load(Ordering::Relaxed);
        let roll = n % 20;
        let held = if roll < 3 { self.held.lock().await.pop() } else { None };
        if let Some(id) = held {
            let key = self.next_key();
            return Ok(self.post(&format!("/api/v1/payments/{id}/capture"), &key, &json!({})).await?.0);
        }
        if roll < 8 {
            let target = {
                let paid = self.paid.lock().await;
                (!paid.is_empty()).then(|| paid[n as usize % paid.len()].clone())
            };
            if let Some((id, amount)) = target.filter(|(_, a)| *a >= 1000) {
                let key = self.next_key();
                let part = amount / 20;
                let body = json!({"amount": format!("{}.{:02}", part / 100, part % 100), "reason": "bench"});
                return Ok(self.post(&format!("/api/v1/payments/{id}/refunds"), &key, &body).await?.0);
            }
        }
        if roll < 12 {
            let key = self.next_key();
            let body = json!({"amount": "150.00", "currency": "RUB", "order_id": key,
                              "card": {"number": "4242424242424242", "holder": "IVAN IVANOV"}});
            return Ok(self.post("/api/v1/payouts", &key, &body).await?.0);
        }
        self.create(n % 10 >= 3).await
    }
}

fn kopecks(s: &str) -> Option<u64> {
    let (r, k) = s.split_once('.')?;
    Some(r.parse::<u64>().ok()? * 100 + k.parse::<u64>().ok()?)
}

#[derive(Clone, Copy)]
enum Phase {
    Create,
    Replay,
    Get,
    List,
    Mixed,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Create => "create",
            Phase::Replay => "replay",
            Phase::Get => "get",
            Phase::List => "list",
            Phase::Mixed => "mixed",
        }
    }
}

/// One request of a phase; `Ok(true)` when the answer is what the phase expects.
async fn one(ctx: &Ctx, phase: Phase, replay: &(String, Value), ids: &[String], i: u64) -> bool {
    let ok = |r: reqwest::Result<u16>, want: &[u16]| r.map(|s| want.contains(&s)).unwrap_or(false);
    match phase {
        Phase::Create => ok(ctx.create(true).await, &[201]),
        Phase::Replay => ok(ctx.post("/api/v1/payments", &replay.0, &replay.1).await.map(|(s, _)| s), &[201]),
        Phase::Get => ok(ctx.get(&format!("/api/v1/payments/{}", ids[i as usize % ids.len()])).await, &[200]),
        Phase::List => ok(ctx.get("/api/v1/payments?limit=20").await, &[200]),
        Phase::Mixed => ok(ctx.mixed().await, &[200, 201]),
    }
}

struct Measured {
    latencies_us: Vec<u64>,
    errors: u64,
    elapsed: Duration,
}

/// Full load: `connections` clients, each sending its next request as soon as the last answers.
/// Half load (`rate` set): each client sends on a fixed schedule; latency counts from when the
/// request was due.
async fn drive(
    ctx: &Ctx,
    phase: Phase,
    args: &Args,
    rate: Option<f64>,
    replay: &(String, Value),
    ids: &[String],
) -> Measured {
    let deadline = Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    let clients = args.connections;
    for c in 0..clients {
        let (ctx, replay, ids) = (ctx.clone(), replay.clone(), ids.to_vec());
        let every = rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(args.connections as f64 / r));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut i = c as u64 * 7919;
            // Clients start spread over one interval, not all at once.
            let mut due = started + every.map_or(Duration::ZERO, |e| e.mul_f64(c as f64 / clients as f64));
            while started.elapsed() < deadline {
                if every.is_some() {
                    tokio::time::sleep_until(due.into()).await;
                } else {
                    due = Instant::now();
                }
                let good = one(&ctx, phase, &replay, &ids, i).await;
                lat.push(due.elapsed().as_micros() as u64);
                if !good {
                    errors += 1;
                }
                i += 1;
                if let Some(every) = every {
                    due += every;
                }
            }
            (lat, errors)
        }));
    }
    let mut m = Measured { latencies_us: Vec::new(), errors: 0, elapsed: Duration::ZERO };
    for t in tasks {
        let (lat, errors) = t.await.expect("client task");
        m.latencies_us.extend(lat);
        m.errors += errors;
    }
    m.elapsed = started.elapsed();
    m
}

fn report(phase: &str, load: &str, m: &mut Measured, extra: Value) -> f64 {
    m.latencies_us.sort_unstable();
    let n = m.latencies_us.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let i = ((p / 100.0) * n as f64).ceil() as usize;
        m.latencies_us[i.clamp(1, n) - 1] as f64 / 1000.0
    };
    // Throughput counts answers that were what the phase expects; latency counts every answer.
    let rps = (n as u64).saturating_sub(m.errors) as f64 / m.elapsed.as_secs_f64();
    let mut out = json!({
        "phase": phase, "load": load, "requests": n, "errors": m.errors, "rps": (rps * 10.0).round() / 10.0,
        "p50_ms": pct(50.0), "p99_ms": pct(99.0), "p999_ms": pct(99.9),
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
        o.extend(e);
    }
    println!("{out}");
    rps
}

/// The largest `clickpay_outbox_oldest_due_age_seconds` seen while `stop` is unset.
async fn watch_outbox(client: reqwest::Client, base: String, stop: Arc<AtomicU64>) -> (f64, f64) {
    let (mut worst, mut worst_due) = (0.0f64, 0.0f64);
    while stop.load(Ordering::Relaxed) == 0 {
        if let Ok(res) = client.get(format!("{base}/metrics")).send().await {
            let text = res.text().await.unwrap_or_default();
            for line in text.lines() {
                let value = |prefix: &str| line.strip_prefix(prefix).and_then(|v| v.trim().parse::<f64>().ok());
                if let Some(v) = value("clickpay_outbox_oldest_due_age_seconds ") {
                    worst = worst.max(v);
                }
                if let Some(v) = value("clickpay_outbox_events{state=\"due\"} ") {
                    worst_due = worst_due.max(v);
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    (worst, worst_due)
}

async fn setup(args: &Args, client: &reqwest::Client) -> anyhow::Result<String> {
    let cab = format!("{}/cabinet/api/v1", args.base);
    let login: Value = client
        .post(format!("{cab}/auth/login"))
        .json(&json!({"method": "login", "identifier": args.admin_login, "password": args.admin_password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["token"].as_str().ok_or_else(|| anyhow::anyhow!("no token: {login}"))?.to_owned();
    let terminals: Vec<Value> = ["ecom", "aft", "oct"]
        .iter()
        .map(|t| json!({"type": t, "service_fee_percent": "0.7", "bank_fee_percent": "0.45", "min_fee": "45.00"}))
        .collect();
    let inn = format!("77{:08}", std::process::id() % 100_000_000);
    let org: Value = client
        .post(format!("{cab}/admin/organizations"))
        .bearer_auth(&token)
        .json(&json!({"name": "ООО Нагрузка", "inn": inn, "bank_name": "АО БАНК «СНГБ»",
                      "notification_url": format!("http://127.0.0.1:{}/hooks", args.receiver_port),
                      "terminals": terminals}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let org_id = org["id"].as_str().ok_or_else(|| anyhow::anyhow!("no organization: {org}"))?;
    let key: Value = client
        .post(format!("{cab}/admin/organizations/{org_id}/api-keys"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(key["key"].as_str().ok_or_else(|| anyhow::anyhow!("no key: {key}"))?.to_owned())
}

/// The merchant's endpoint: answers 200 at once and counts what it got.
fn receiver(port: u16, received: Arc<AtomicU64>) -> std::io::Result<actix_web::dev::Server> {
    use actix_web::{App, HttpResponse, HttpServer, web};
    Ok(HttpServer::new(move || {
        let received = received.clone();
        App::new().route(
            "/hooks",
            web::post().to(move |_body: web::Bytes| {
                received.fetch_add(1, Ordering::Relaxed);
                async { HttpResponse::Ok().finish() }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", port))?
    .run())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let received = Arc::new(AtomicU64::new(0));
    let server = receiver(args.receiver_port, received.clone())?;
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections * 2)
        .timeout(Duration::from_secs(30))
        .build()?;
    let key = setup(&args, &client).await?;
    let ctx = Ctx {
        client: client.clone(),
        base: args.base.clone(),
        key,
        counter: Arc::new(AtomicU64::new(0)),
        run: uuid::Uuid::new_v4().simple().to_string(),
        paid: Default::default(),
        held: Default::default(),
    };
    let warm = Args { seconds: 3, ..args.clone() };
    let none = (String::new(), Value::Null);
    drive(&ctx, Phase::Create, &warm, None, &none, &[]).await;

    let replay_key = ctx.next_key();
    let replay_body = ctx.payment(7, true);
    let (status, _) = ctx.post("/api/v1/payments", &replay_key, &replay_body).await?;
    anyhow::ensure!(status == 201, "the replayed payment was not created: {status}");
    let replay = (replay_key, replay_body);

    let wanted: Vec<&str> = args.phases.split(',').map(str::trim).collect();
    for phase in [Phase::Create, Phase::Replay, Phase::Get, Phase::List, Phase::Mixed] {
        if !wanted.contains(&phase.name()) {
            continue;
        }
        let ids: Vec<String> = ctx.paid.lock().await.iter().map(|(id, _)| id.clone()).collect();
        anyhow::ensure!(!ids.is_empty(), "no payment succeeded in the warm-up");
        let stop = Arc::new(AtomicU64::new(0));
        let watcher = matches!(phase, Phase::Create)
            .then(|| tokio::spawn(watch_outbox(client.clone(), args.base.clone(), stop.clone())));
        let before = received.load(Ordering::Relaxed);
        let mut full = drive(&ctx, phase, &args, None, &replay, &ids).await;
        stop.store(1, Ordering::Relaxed);
        let extra = match watcher {
            Some(w) => {
                let (oldest, due) = w.await.expect("watcher");
                json!({"webhooks_received": received.load(Ordering::Relaxed) - before,
                       "outbox_oldest_due_max_s": oldest, "outbox_due_max": due})
            }
            None => json!({}),
        };
        let peak = report(phase.name(), "full", &mut full, extra);
        let mut half = drive(&ctx, phase, &args, Some(peak / 2.0), &replay, &ids).await;
        report(phase.name(), "half", &mut half, json!({"target_rps": (peak / 2.0).round()}));
    }
    Ok(())
}
