//! The load: concurrent clients, each logging in again as soon as its
//! previous log-in is answered (closed loop, no think time), over loopback.

use crate::accounts::Credentials;
use borne_api::{ApiError, LoginRequest, LoginResponse};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Longer than any queue 200 clients can build in front of the hashing.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub clients: usize,
    /// Log-ins finished then are not measured (connections opening, caches).
    pub warmup: Duration,
    /// The measured window, after the warm-up.
    pub measure: Duration,
    /// No client starts a log-in beyond this many, warm-up included.
    pub max_logins: u64,
}

pub struct Outcome {
    /// Latencies of the successful log-ins finished inside the window, ascending.
    pub latencies: Vec<Duration>,
    /// The window actually measured (shorter if `max_logins` ran out first).
    pub window: Duration,
    /// Successful log-ins in all, warm-up and drain included.
    pub successes: u64,
    /// Failures by kind (HTTP status and error code, or transport error).
    pub errors: BTreeMap<String, u64>,
}

impl Outcome {
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.window.as_secs_f64()
    }

    /// Adds the log-ins of a later slice of the same load.
    pub fn merge(&mut self, slice: Outcome) {
        self.latencies.extend(slice.latencies);
        self.latencies.sort();
        self.window += slice.window;
        self.successes += slice.successes;
        for (kind, n) in slice.errors {
            *self.errors.entry(kind).or_default() += n;
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

struct ClientLog {
    /// (finished at, latency) of each successful log-in.
    done: Vec<(Instant, Duration)>,
    errors: BTreeMap<String, u64>,
}

/// Runs `plan.clients` clients against `POST {addr}/v1/login`; client `i`
/// logs in as `accounts[i % accounts.len()]`. Requests in flight at the end
/// of the window are awaited (and their failures counted) but not measured.
pub async fn run(addr: SocketAddr, accounts: Arc<Vec<Credentials>>, plan: Plan) -> anyhow::Result<Outcome> {
    anyhow::ensure!(addr.ip().is_loopback(), "the benchmark only loads a server on loopback");
    anyhow::ensure!(!accounts.is_empty(), "no member to log in with");
    let http = reqwest::Client::builder().no_proxy().timeout(REQUEST_TIMEOUT).pool_max_idle_per_host(plan.clients).build()?;
    let url = format!("http://{addr}/v1/login");
    let started = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let window_start = start + plan.warmup;
    let end = window_start + plan.measure;

    let clients: Vec<_> = (0..plan.clients)
        .map(|i| {
            let (http, url, started, accounts) = (http.clone(), url.clone(), started.clone(), accounts.clone());
            tokio::spawn(async move {
                let account = &accounts[i % accounts.len()];
                let mut log = ClientLog { done: Vec::new(), errors: BTreeMap::new() };
                while Instant::now() < end && started.fetch_add(1, Ordering::Relaxed) < plan.max_logins {
                    let sent = Instant::now();
                    match log_in(&http, &url, account).await {
                        Ok(()) => log.done.push((Instant::now(), sent.elapsed())),
                        Err(kind) => *log.errors.entry(kind).or_default() += 1,
                    }
                }
                log
            })
        })
        .collect();

    let mut latencies = Vec::new();
    let (mut successes, mut errors, mut last_done) = (0u64, BTreeMap::new(), window_start);
    for client in clients {
        let log = client.await?;
        successes += log.done.len() as u64;
        for (finished, latency) in log.done {
            if finished >= window_start && finished <= end {
                latencies.push(latency);
                last_done = last_done.max(finished);
            }
        }
        for (kind, n) in log.errors {
            *errors.entry(kind).or_default() += n;
        }
    }
    latencies.sort();
    // Saturated to the end, the window is the planned one; when the count ran
    // out first, it ends at the last measured log-in.
    let window = if started.load(Ordering::Relaxed) >= plan.max_logins { last_done - window_start } else { plan.measure };
    Ok(Outcome { latencies, window: window.max(Duration::from_millis(1)), successes, errors })
}

/// One log-in; `Err` names what went wrong, never a value sent.
async fn log_in(http: &reqwest::Client, url: &str, account: &Credentials) -> Result<(), String> {
    let body = LoginRequest { identifier: account.identifier.clone(), password: account.password.clone() };
    let answer = http.post(url).json(&body).send().await.map_err(transport)?;
    let status = answer.status();
    if !status.is_success() {
        let code = answer.json::<ApiError>().await.map(|e| format!("{:?}", e.code)).unwrap_or_default();
        return Err(format!("HTTP {} {code}", status.as_u16()));
    }
    let session = answer.json::<LoginResponse>().await.map_err(transport)?;
    if session.token.is_empty() {
        return Err("HTTP 200 without a token".into());
    }
    Ok(())
}

fn transport(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection refused or reset"
    } else if e.is_decode() {
        "unreadable answer"
    } else {
        "transport error"
    };
    kind.to_owned()
}

