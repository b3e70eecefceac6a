//! End-to-end flood test against a real Synapse and the real binary: 500 questions from 5 users over about
//! 30 s. Every question is either answered or rate-limited by the `[limits]` policy (counted in `/metrics`), at
//! most one "slow down" goes out per run-dry, the bot keeps running, and its resident memory goes back to
//! within 20% of its level before the flood.

use crate::botkit;

use std::time::{Duration, Instant};

use matrix_sdk::ruma::events::room::member::MembershipState;

use crate::botkit::{BotProcess, User, bot_config_text, init_logs};
use crate::support::synapse;

const USERS: usize = 5;
const PER_USER: usize = 100;

/// The value of a sample line `name` in a Prometheus exposition.
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

/// Questions answered at all, by the metrics (numbered questions may score as "suggest" rather than
/// "answer").
fn answered(metrics: &str) -> u64 {
    ["answer", "suggest", "none"]
        .iter()
        .map(|o| {
            let name = format!("verbatim_questions_total{{outcome=\"{o}\"}}");
            sample(metrics, &name)
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_questions_is_answered_or_rate_limited_by_the_policy() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let mut users = Vec::new();
    for i in 0..USERS {
        users.push(User::new(server, &format!("flood{i}")).await);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ids: Vec<String> = users.iter().map(|u| u.id.to_string()).collect();
    let allowed: Vec<&str> = ids.iter().map(String::as_str).collect();
    let config = bot_config_text(
        server,
        &bot_account,
        dir.path(),
        &allowed,
        &format!(
            "[limits]\nper_user_burst = 5\nper_user_per_minute = 10\nper_room_burst = 20\nper_room_per_minute = 60\n\
             [metrics]\nlisten = \"127.0.0.1:{port}\"\n"
        ),
    );
    let running = BotProcess::start(dir.path(), &config);
    let mut rooms = Vec::new();
    for user in &users {
        let room = user.create_room(&[&bot], true, false).await;
        user.membership(&room, &bot, MembershipState::Join).await;
        rooms.push(room);
    }
    // The policy's refill counts from here.
    let started = Instant::now();
    // Warmed up (rooms joined, one question each answered, the matcher and the crypto store in use), then
    // settled: the level the flood is compared with. The warm-up questions count towards each user's burst.
    for (user, room) in users.iter().zip(&rooms) {
        let q = user.say(room, "Who is Zhou Yunjie?").await;
        user.reply(&bot, &q).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_before = running.rss_kib();

    let flood = |i: usize| {
        let (user, room) = (&users[i], &rooms[i]);
        async move {
            for n in 0..PER_USER {
                user.say(room, &format!("Who is Zhou Yunjie? ({n})")).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    };
    tokio::join!(flood(0), flood(1), flood(2), flood(3), flood(4));
    let minutes = started.elapsed().as_secs_f64() / 60.0;

    let metrics_url = format!("http://127.0.0.1:{port}/metrics");
    let http = reqwest::Client::new();
    let total = (USERS * (PER_USER + 1)) as u64;
    let text = botkit::wait(
        "every question to be answered or rate-limited",
        async || {
            let text = http
                .get(&metrics_url)
                .send()
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            let answered = answered(&text);
            let limited = sample(&text, "verbatim_rate_limited_questions_total");
            (answered + limited == total).then_some(text)
        },
    )
    .await;
    let answered = answered(&text);
    let slow_downs = sample(&text, "verbatim_questions_total{outcome=\"slow_down\"}");
    // The policy: per user, the burst plus what refilled while the flood lasted (and one for timing slack).
    let bound = USERS as u64 * (5 + (10.0 * minutes).ceil() as u64 + 1);
    assert!(
        answered >= USERS as u64 * 5,
        "each user's burst is answered: {answered}"
    );
    assert!(
        answered <= bound,
        "{answered} answered, at most {bound} allowed"
    );
    assert!(
        slow_downs >= USERS as u64 && slow_downs <= answered,
        "{slow_downs} slow-downs"
    );
    // What the users saw agrees: replies are answers or one "slow down" per run-dry.
    for (user, room) in users.iter().zip(&rooms) {
        let replies = user.messages_from(&bot, room);
        assert!(replies.len() <= 5 + (10.0 * minutes).ceil() as usize + 1 + slow_downs as usize);
    }
    // After the flood, memory goes back: within 20% of the level before it.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = running.rss_kib();
    eprintln!("bot RSS: {rss_before} KiB before the flood, {rss_after} KiB after");
    assert!(
        rss_after * 10 <= rss_before * 12,
        "resident memory {rss_after} KiB after the flood, {rss_before} KiB before"
    );
    let status = running.terminate().await;
    assert!(
        status.success(),
        "the bot kept running and exits cleanly: {status:?}"
    );
}
