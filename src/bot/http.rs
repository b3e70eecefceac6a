//! The optional health and metrics listener (`[metrics] listen`): a minimal HTTP/1.1 server on the bot's
//! tokio runtime that answers `GET /healthz` and `GET /metrics` (one request per connection, then close).
//! Hand-written on `tokio::net` rather than a web framework: two read-only endpoints do not justify the
//! compile time of one. Requests are bounded (8 KiB of headers, 5 s to send them).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::metrics::Metrics;

/// The most a request's head may be.
const MAX_HEAD: usize = 8 * 1024;
/// How long a client has to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds `addr` and serves `/healthz` and `/metrics` until the task is dropped; returns the bound address
/// (useful with port 0) and the serving task.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    healthy_sync_age: Duration,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let _ = answer(stream, &metrics, healthy_sync_age).await;
            });
        }
    });
    Ok((local, task))
}

async fn answer(
    mut stream: TcpStream,
    metrics: &Metrics,
    healthy_sync_age: Duration,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    if tokio::time::timeout(READ_TIMEOUT, read).await.is_err() {
        return Ok(());
    }
    let line = String::from_utf8_lossy(&head);
    let mut parts = line.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let (status, content_type, body) = match (method, path) {
        ("GET", "/healthz") => {
            let (code, json) = metrics.health(healthy_sync_age);
            (code, "application/json", format!("{json}\n"))
        }
        ("GET", "/metrics") => (
            200,
            "text/plain; version=0.0.4; charset=utf-8",
            metrics.render(),
        ),
        ("GET", _) => (
            404,
            "text/plain",
            "not found: try /healthz or /metrics\n".into(),
        ),
        _ => (405, "text/plain", "only GET\n".into()),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_endpoints_can_be_scraped() {
        let metrics = Arc::new(Metrics::default());
        let (addr, task) = serve(
            "127.0.0.1:0".parse().unwrap(),
            metrics.clone(),
            Duration::from_secs(120),
        )
        .await
        .unwrap();
        let http = reqwest::Client::new();
        let get = async |path: &str| {
            let r = http
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        };
        let (code, body) = get("/healthz").await;
        assert_eq!(code, 503, "no sync yet: {body}");
        metrics.synced();
        metrics
            .entries
            .store(15, std::sync::atomic::Ordering::Relaxed);
        let (code, body) = get("/healthz").await;
        assert_eq!(code, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (json["status"].as_str(), json["entries"].as_u64()),
            (Some("ok"), Some(15))
        );
        metrics.question("answer", Duration::from_millis(20));
        let (code, body) = get("/metrics").await;
        assert_eq!(code, 200);
        assert!(
            body.contains("# TYPE verbatim_questions_total counter"),
            "{body}"
        );
        assert!(
            body.contains("verbatim_questions_total{outcome=\"answer\"} 1"),
            "{body}"
        );
        assert_eq!(get("/nope").await.0, 404);
        task.abort();
    }
}
