//! End-to-end test of live knowledge reload against a real Synapse: a broken knowledge file dropped in while
//! the bot runs leaves the old knowledge in service; the fixed file is then picked up by the watcher.

use crate::botkit;

use std::time::Duration;

use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::MessageType;

use crate::botkit::{RunningBot, User, bot_config, init_logs};
use crate::support::knowledge_copy::knowledge_copy;
use crate::support::synapse;

fn body(seen: &botkit::Seen) -> String {
    match &seen.event.content.msgtype {
        MessageType::Notice(n) => n.body.clone(),
        other => other.body().to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_broken_knowledge_file_keeps_the_old_knowledge_and_a_fixed_one_is_picked_up() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    let file = knowledge_copy(dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &[alice.id.as_str()],
        "[knowledge]\npaths = [\"kb\"]\n",
    );
    let running = RunningBot::start(config).await;
    let room = alice.create_room(&[&bot], true, false).await;
    alice.membership(&room, &bot, MembershipState::Join).await;

    let ask = async |text: &str| {
        let q = alice.say(&room, text).await;
        body(&alice.reply(&bot, &q).await)
    };
    let sources = ask("!sources").await;
    assert!(sources.contains("(15 entries)"), "{sources}");

    // A broken file: errors are logged, the old knowledge keeps answering.
    std::fs::write(&file, format!("{good}\n[[[broken\n")).unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let answer = ask("Who is Zhou Yunjie?").await;
    assert!(answer.contains("Haier Group"), "{answer}");
    assert!(ask("!sources").await.contains("(15 entries)"));

    // Fixed (and with one entry fewer, to see the change): the watcher picks it up.
    let last = good.rfind("[[entries]]").unwrap();
    std::fs::write(&file, &good[..last]).unwrap();
    botkit::wait("the fixed knowledge to be in service", async || {
        ask("!sources").await.contains("(14 entries)").then_some(())
    })
    .await;
    assert!(ask("Who is Zhou Yunjie?").await.contains("Haier Group"));
    assert!(!running.is_finished());
    running.stop().await;
}
