//! Reply latency of the bot against a real local Synapse (the one of the test suite, `tests/support/synapse.rs`),
//! from the user's send to the user seeing the reply, beside the homeserver's own echo time (the user's own
//! message arriving back by sync), so the bot's share is visible.
//!
//! `cargo bench --bench reply_latency` (release build): 4 direct rooms, one asking user each, 50 questions per
//! room (200 in all) drawn in turn from `tests/data/dev-questions.jsonl` (answers, suggestions and "nothing
//! found" replies alike). The 4 rooms ask at once; within a room the user waits for the reply before asking the
//! next question, as a person would, so at most 4 questions are in flight. Each room first asks one warm-up
//! question that is not counted. Per question it records
//!
//! - `t_send`: just before the asking client sends the question,
//! - `t_sent`: when the send request returned the question's event id,
//! - `t_echo`: when the asking client's sync delivers its own question back,
//! - `t_reply`: when the asking client's sync delivers the bot's reply (matched by `m.in_reply_to`),
//!
//! and prints a markdown table of p50, p99, mean and max. Everything runs on one machine: Synapse, the bot
//! (in-process, `verbatim::bot::run`) and the users' clients share its cores.
//!
//! Run without `--bench` (as `cargo test --all-targets` does), it is a smoke test instead: 8 questions in 2
//! rooms, asserting that every question got exactly one reply. It asserts nothing about time.

#[path = "../tests/botkit/mod.rs"]
#[allow(dead_code)] // the bench uses a few of the test helpers
mod botkit;
#[path = "../tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use matrix_sdk::Room;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId};

use botkit::{User, bot_config};
use support::synapse::Synapse;

/// The size of a run.
#[derive(Clone, Copy)]
struct Plan {
    rooms: usize,
    per_room: usize,
}

const BENCH: Plan = Plan {
    rooms: 4,
    per_room: 50,
};
const SMOKE: Plan = Plan {
    rooms: 2,
    per_room: 4,
};

/// The warm-up question of each room (not counted).
const WARM_UP: &str = "Who is Zhou Yunjie?";

/// One question's timestamps.
struct Sample {
    kind: String,
    send: Instant,
    sent: Instant,
    echo: Instant,
    reply: Instant,
}

/// The bot's own reply latency metric (received → reply sent): sum in seconds and count.
#[derive(Clone, Copy, Default)]
struct BotMetric {
    sum: f64,
    count: u64,
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let plan = if bench { BENCH } else { SMOKE };
    let filter =
        std::env::var("RUST_LOG").unwrap_or_else(|_| "warn,matrix_sdk_crypto=error".to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let questions = botkit::dev_questions();
    let server = Synapse::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (samples, inside_bot) = runtime.block_on(run(&server, plan, &questions, bench));
    assert_eq!(samples.len(), plan.rooms * plan.per_room);
    if bench {
        print_report(plan, &samples, inside_bot);
    } else {
        println!(
            "reply_latency smoke: {} questions in {} rooms, each answered exactly once (run `cargo bench \
             --bench reply_latency` for the measurement)",
            samples.len(),
            plan.rooms
        );
    }
}

async fn run(
    server: &Synapse,
    plan: Plan,
    questions: &[(String, String)],
    bench: bool,
) -> (Vec<Sample>, Option<BotMetric>) {
    let bot_account = server.register("verbatim").await;
    let bot: OwnedUserId = bot_account.user_id.parse().unwrap();
    let mut users = Vec::new();
    for i in 0..plan.rooms {
        users.push(Arc::new(User::new(server, &format!("asker{i}")).await));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = users.iter().map(|u| u.id.to_string()).collect();
    let allowed: Vec<&str> = ids.iter().map(String::as_str).collect();
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &allowed,
        &format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n"),
    );
    let running = botkit::RunningBot::start(config).await;
    let mut rooms = Vec::new();
    for user in &users {
        let room = user.create_room(&[&bot], true, false).await;
        user.membership(&room, &bot, MembershipState::Join).await;
        let warm_up = user.say(&room, WARM_UP).await;
        user.reply(&bot, &warm_up).await;
        rooms.push(room);
    }

    let metrics_url = format!("http://127.0.0.1:{port}/metrics");
    let before = bot_metric(&metrics_url).await;
    // One task per room, all at once.
    let tasks: Vec<_> = users
        .iter()
        .zip(&rooms)
        .enumerate()
        .map(|(r, (user, room))| {
            let (user, room, bot) = (user.clone(), room.clone(), bot.clone());
            // Rooms start at different places of the set, so they do not ask the same question at once.
            let mine: Vec<(String, String)> = (0..plan.per_room)
                .map(|i| questions[(r * plan.per_room + i) % questions.len()].clone())
                .collect();
            tokio::spawn(async move {
                let mut asked = Vec::new();
                for (text, kind) in &mine {
                    asked.push(ask(&user, &room, &bot, text, kind).await);
                }
                asked
            })
        })
        .collect();
    let mut asked: Vec<Vec<(OwnedEventId, Sample)>> = Vec::new();
    for task in tasks {
        asked.push(task.await.expect("asking task"));
    }
    let after = bot_metric(&metrics_url).await;

    // Replies in a room go out in order, and the last one has arrived; give a stray duplicate a moment to show.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for (user, asked) in users.iter().zip(&asked) {
        for (question, _) in asked {
            assert_eq!(
                user.replies(&bot, question).len(),
                1,
                "exactly one reply to {question}"
            );
        }
    }
    assert!(!running.is_finished(), "the bot is still running");
    running.stop().await;
    let inside_bot = match (before, after) {
        (Some(b), Some(a)) if bench => Some(BotMetric {
            sum: a.sum - b.sum,
            count: a.count - b.count,
        }),
        _ => None,
    };
    let samples = asked.into_iter().flatten().map(|(_, s)| s).collect();
    (samples, inside_bot)
}

/// Asks one question and waits for its echo and the bot's reply.
async fn ask(
    user: &User,
    room: &Room,
    bot: &OwnedUserId,
    text: &str,
    kind: &str,
) -> (OwnedEventId, Sample) {
    let send = Instant::now();
    let question = user.say(room, text).await;
    let sent = Instant::now();
    let reply = poll(&format!("a reply to {question}"), || {
        user.replies(bot, &question).into_iter().next()
    })
    .await;
    // The echo comes before the reply in the same timeline (possibly in the same sync response).
    let echo = poll(&format!("the echo of {question}"), || {
        user.seen_event(&question)
    })
    .await;
    let sample = Sample {
        kind: kind.to_owned(),
        send,
        sent,
        echo: echo.at,
        reply: reply.at,
    };
    (question, sample)
}

/// Polls `check` every 5 ms until it gives `Some`, panicking after [`botkit::DEADLINE`]. (The timestamps come from
/// the clients' event handlers, so the polling interval does not enter the measurement; a plain closure keeps
/// the future `Send` for `tokio::spawn`, which `botkit::wait`'s async closure does not.)
async fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            started.elapsed() < botkit::DEADLINE,
            "timed out after {:?} waiting for {what}",
            botkit::DEADLINE
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `verbatim_reply_latency_seconds` sum and count from the bot's `/metrics`.
async fn bot_metric(url: &str) -> Option<BotMetric> {
    let text = reqwest::get(url).await.ok()?.text().await.ok()?;
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
    };
    Some(BotMetric {
        sum: value("verbatim_reply_latency_seconds_sum")?,
        count: value("verbatim_reply_latency_seconds_count")? as u64,
    })
}

/// p50, p99, mean, max and n of `values` (milliseconds); percentiles by nearest rank.
fn row(name: &str, values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let rank = |p: f64| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let mean = values.iter().sum::<f64>() / n as f64;
    format!(
        "| {name} | {} | {} | {} | {} | {n} |",
        ms(rank(0.50)),
        ms(rank(0.99)),
        ms(mean),
        ms(values[n - 1])
    )
}

fn ms(value: f64) -> String {
    format!("{value:.1} ms")
}

fn print_report(plan: Plan, samples: &[Sample], inside_bot: Option<BotMetric>) {
    let millis = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut sent: Vec<f64> = samples.iter().map(|s| millis(s.sent - s.send)).collect();
    let mut echo: Vec<f64> = samples.iter().map(|s| millis(s.echo - s.send)).collect();
    let mut reply: Vec<f64> = samples.iter().map(|s| millis(s.reply - s.send)).collect();
    let mut share: Vec<f64> = samples
        .iter()
        .map(|s| millis(s.reply.saturating_duration_since(s.echo)))
        .collect();
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for s in samples {
        *kinds.entry(s.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!();
    println!(
        "Reply latency against a local Synapse: {} questions in {} rooms ({} per room, one at a time per room, \
         rooms concurrently; question kinds: {})",
        samples.len(),
        plan.rooms,
        plan.per_room,
        kinds.join(", ")
    );
    println!();
    println!("| measure | p50 | p99 | mean | max | n |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "{}",
        row("homeserver send (send → event id returned)", &mut sent)
    );
    println!(
        "{}",
        row("homeserver echo (send → own message by sync)", &mut echo)
    );
    println!("{}", row("bot reply (send → reply by sync)", &mut reply));
    println!("{}", row("bot's share (reply − echo)", &mut share));
    if let Some(m) = inside_bot.filter(|m| m.count > 0) {
        println!(
            "| inside the bot (its sync delivers the question → its reply's send returns; `verbatim_reply_latency_seconds`) | – | – | {} | – | {} |",
            ms(m.sum / m.count as f64 * 1000.0),
            m.count
        );
    }
    println!();
    println!("Machine: {}", machine());
}

/// CPU model, cores, `uname -sr` and the build profile.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                Some(
                    l.strip_prefix("model name")?
                        .split_once(':')?
                        .1
                        .trim()
                        .to_owned(),
                )
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let uname = std::process::Command::new("uname")
        .arg("-sr")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown OS".to_owned());
    let profile = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    format!(
        "{cpu}, {cores} cores, {uname}, {profile}; Synapse, the bot and the clients on the same machine"
    )
}
