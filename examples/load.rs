//! A small closed-loop HTTP load tool for `bench/run.sh`: N keep-alive HTTP/1.1 connections
//! each send the POST bodies of a file (one per line, round robin, each connection starting at
//! its own line) to one URL for T seconds, then it prints requests/s, latency percentiles and
//! errors. It stops by itself: only after the warm-up and the run, or at the first refused
//! connection it cannot make within the run.
//!
//!     load --url http://127.0.0.1:18082/graphql --requests requests.jsonl \
//!          [--connections 64] [--seconds 20] [--warmup 3] [--threads 1] [--label NAME] [--header]
//!     load --url ... --requests requests.jsonl --record answers.jsonl   # one pass, bodies saved
//!
//! An error is a failed connection or request, a status other than 200, or a body with a
//! GraphQL `"errors"` member. Latency is from writing the request to the last body byte, kept
//! in a log-linear histogram of microseconds (64 steps per power of two: within 1.6%).

use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

struct Args {
    url: Uri,
    requests: Vec<Bytes>,
    connections: usize,
    seconds: f64,
    warmup: f64,
    threads: usize,
    label: String,
    header: bool,
    record: Option<String>,
}

fn args() -> anyhow::Result<Args> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| argv.iter().position(|a| a == name).and_then(|i| argv.get(i + 1)).cloned();
    let num = |name: &str, default: f64| get(name).map_or(Ok(default), |v| v.parse()).with_context(|| name.to_owned());
    let url: Uri = get("--url").context("--url is required")?.parse().context("--url")?;
    let file = get("--requests").context("--requests is required")?;
    let text = std::fs::read_to_string(&file).with_context(|| file.clone())?;
    let requests: Vec<Bytes> =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| Bytes::from(l.to_owned())).collect();
    anyhow::ensure!(!requests.is_empty(), "{file} holds no request");
    Ok(Args {
        label: get("--label").unwrap_or_else(|| url.to_string()),
        url,
        requests,
        connections: num("--connections", 64.0)? as usize,
        seconds: num("--seconds", 20.0)?,
        warmup: num("--warmup", 0.0)?,
        threads: num("--threads", 1.0)? as usize,
        header: argv.iter().any(|a| a == "--header"),
        record: get("--record"),
    })
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    anyhow::ensure!(a.connections >= 1 && a.seconds > 0.0 && a.seconds <= 600.0, "1+ connections, 0-600 seconds");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(a.threads.max(1)).enable_all().build()?;
    rt.block_on(run(a))
}

async fn run(a: Args) -> anyhow::Result<()> {
    let authority = a.url.authority().context("--url needs host:port")?.to_string();
    if let Some(out) = &a.record {
        let mut conn = Conn::open(&authority).await?;
        let mut lines = String::new();
        for body in &a.requests {
            let (status, answer) = conn.post(&a.url, body.clone()).await?;
            anyhow::ensure!(status == 200, "status {status} for {}", String::from_utf8_lossy(body));
            lines.push_str(std::str::from_utf8(&answer)?.trim_end());
            lines.push('\n');
        }
        std::fs::write(out, lines)?;
        println!("recorded {} answers in {out}", a.requests.len());
        return Ok(());
    }
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(a.warmup);
    let end = measure_from + Duration::from_secs_f64(a.seconds);
    let tasks: Vec<_> = (0..a.connections)
        .map(|i| {
            let (url, authority, requests) = (a.url.clone(), authority.clone(), a.requests.clone());
            tokio::spawn(async move { client(i, url, authority, requests, measure_from, end).await })
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        total.merge(t.await?);
    }
    let secs = a.seconds;
    let ms = |q: f64| total.hist.quantile(q) as f64 / 1000.0;
    if a.header {
        println!("| target | connections | seconds | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | bytes/resp |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
    println!(
        "| {} | {} | {secs} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.0} |",
        a.label,
        a.connections,
        total.hist.count,
        total.hist.count as f64 / secs,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        total.hist.max as f64 / 1000.0,
        total.errors,
        total.bytes as f64 / total.hist.count.max(1) as f64
    );
    Ok(())
}

/// One connection's loop: the requests from its own offset on, until `end`.
async fn client(i: usize, url: Uri, authority: String, requests: Vec<Bytes>, from: Instant, end: Instant) -> Tally {
    let mut t = Tally::default();
    let mut k = i;
    let mut conn = None;
    while Instant::now() < end {
        if conn.is_none() {
            match Conn::open(&authority).await {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    t.errors += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let body = requests[k % requests.len()].clone();
        k += 1;
        let sent = Instant::now();
        let result = c.post(&url, body).await;
        let done = Instant::now();
        if sent < from || done > end {
            continue;
        }
        match result {
            Ok((200, answer)) if memchr::memmem::find(&answer, b"\"errors\"").is_none() => {
                t.hist.record((done - sent).as_micros() as u64);
                t.bytes += answer.len() as u64;
            }
            Ok(_) => t.errors += 1,
            Err(_) => {
                t.errors += 1;
                conn = None;
            }
        }
    }
    t
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    send: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    async fn open(authority: &str) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(authority).await?;
        stream.set_nodelay(true)?;
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn { send })
    }

    async fn post(&mut self, url: &Uri, body: Bytes) -> anyhow::Result<(u16, Bytes)> {
        let req = Request::post(url.path())
            .header(hyper::header::HOST, url.authority().map_or("", |a| a.as_str()))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))?;
        self.send.ready().await?;
        let resp = self.send.send_request(req).await?;
        let status = resp.status().as_u16();
        Ok((status, resp.into_body().collect().await?.to_bytes()))
    }
}

#[derive(Default)]
struct Tally {
    hist: Histogram,
    errors: u64,
    bytes: u64,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.hist.merge(&o.hist);
        self.errors += o.errors;
        self.bytes += o.bytes;
    }
}

/// Log-linear buckets of microseconds: exact below 128, then 64 buckets per power of two.
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { buckets: vec![0; 64 * 60], count: 0, max: 0 }
    }
}

impl Histogram {
    fn index(v: u64) -> usize {
        if v < 128 {
            return v as usize;
        }
        let e = 63 - v.leading_zeros() as usize;
        (e - 6) * 64 + (v >> (e - 6)) as usize
    }

    /// The middle of bucket `i`.
    fn value(i: usize) -> u64 {
        if i < 128 {
            return i as u64;
        }
        let shift = i / 64 - 1;
        ((i % 64 + 64) as u64) << shift | ((1u64 << shift) >> 1)
    }

    fn record(&mut self, v: u64) {
        self.buckets[Self::index(v)] += 1;
        self.count += 1;
        self.max = self.max.max(v);
    }

    fn merge(&mut self, o: &Histogram) {
        self.buckets.iter_mut().zip(&o.buckets).for_each(|(a, b)| *a += b);
        self.count += o.count;
        self.max = self.max.max(o.max);
    }

    fn quantile(&self, q: f64) -> u64 {
        let rank = ((self.count as f64 * q).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Self::value(i).min(self.max);
            }
        }
        self.max
    }
}
