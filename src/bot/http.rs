//! The optional health and metrics listener (`[metrics] listen`): `GET /healthz` and `GET /metrics`, served
//! by [axum] (on hyper) on the bot's tokio runtime. Anything else is a 404 naming the two endpoints; a method
//! other than GET (or HEAD) on them is a 405. Both handlers only read atomics, so a scrape never waits on the
//! bot's work.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use super::metrics::Metrics;

/// What the handlers read.
#[derive(Clone)]
struct Shared {
    metrics: Arc<Metrics>,
    healthy_sync_age: Duration,
}

/// Binds `addr` and serves `/healthz` and `/metrics` on a task of `tasks` until `stop` is cancelled; returns
/// the bound address (useful with port 0).
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    healthy_sync_age: Duration,
    tasks: &tokio_util::task::TaskTracker,
    stop: tokio_util::sync::CancellationToken,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(Shared {
        metrics,
        healthy_sync_age,
    });
    tasks.spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned());
        if let Err(e) = serving.await {
            tracing::error!(error = %e, "the /healthz and /metrics listener stopped");
        }
    });
    Ok(local)
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .with_state(shared)
}

/// 200 when the last sync is recent enough, 503 otherwise; the state as JSON either way.
async fn healthz(State(shared): State<Shared>) -> Response {
    let (code, json) = shared.metrics.health(shared.healthy_sync_age);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!("{json}\n"),
    )
        .into_response()
}

/// The Prometheus text exposition.
async fn metrics(State(shared): State<Shared>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        shared.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "not found: try /healthz or /metrics\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_endpoints_can_be_scraped() {
        let metrics = Arc::new(Metrics::default());
        let tasks = tokio_util::task::TaskTracker::new();
        let stop = tokio_util::sync::CancellationToken::new();
        let addr = serve(
            "127.0.0.1:0".parse().unwrap(),
            metrics.clone(),
            Duration::from_secs(120),
            &tasks,
            stop.clone(),
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
        metrics.handled(
            super::super::metrics::Handled::Reply(crate::answer::Outcome::Answer),
            Duration::from_millis(20),
        );
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
        let post = http
            .post(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status().as_u16(), 405);
        stop.cancel();
        tasks.close();
        tasks.wait().await;
    }
}
