//! End-to-end tests of live knowledge reload against a real Synapse: a broken knowledge file dropped in while
//! the bot runs leaves the old knowledge in service; the fixed file is then picked up by the watcher. And the
//! knowledge per room (`[[rooms]]`): a room mapped to one source answers only from it.

use crate::botkit;

use std::time::Duration;

use matrix_sdk::ruma::api::client::room::create_room;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_room_mapped_to_one_source_answers_only_from_it() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let alice = User::new(server, "alice").await;
    knowledge_copy(dir.path());
    let ferries = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ferries");
    // The rooms exist before the bot's configuration names one of them; the bot is invited once it runs.
    let mapped = alice.create_room(&[], true, false).await;
    let open = alice.create_room(&[], true, false).await;
    // A third room is mapped by its canonical alias, through a glob.
    let mut request = create_room::v3::Request::new();
    request.is_direct = true;
    request.room_alias_name = Some(format!("ferries-{}", alice.id.localpart()));
    let aliased = alice
        .client
        .create_room(request)
        .await
        .expect("create room");
    let config = bot_config(
        server,
        &bot_account,
        dir.path(),
        &[alice.id.as_str()],
        &format!(
            "[knowledge]\npaths = [\"kb\", {ferries:?}]\n\n[[rooms]]\nrooms = [{:?}, \"#ferries-*\"]\n\
             sources = [\"nordhavn-ferries-2024\"]\n",
            mapped.room_id().as_str()
        ),
    );
    let running = RunningBot::start(config).await;
    for room in [&mapped, &open, &aliased] {
        room.invite_user_by_id(&bot).await.expect("invite");
        alice.membership(room, &bot, MembershipState::Join).await;
    }
    let ask = async |room: &matrix_sdk::Room, text: &str| {
        let q = alice.say(room, text).await;
        body(&alice.reply(&bot, &q).await)
    };

    let question = "Who is Zhou Yunjie?";
    let answered = ask(&open, question).await;
    assert!(answered.contains("Haier Group"), "{answered}");
    let narrowed = ask(&mapped, question).await;
    assert!(!narrowed.contains("Haier"), "{narrowed}");
    let lind = ask(&mapped, "Who is Maria Lind?").await;
    assert!(lind.contains("the mayor of Nordhavn"), "{lind}");
    let by_alias = ask(&aliased, question).await;
    assert!(!by_alias.contains("Haier"), "{by_alias}");

    let all = ask(&open, "!sources").await;
    assert!(
        all.contains("Shandong") && all.contains("Nordhavn"),
        "{all}"
    );
    for room in [&mapped, &aliased] {
        let some = ask(room, "!sources").await;
        assert!(
            some.contains("Nordhavn") && !some.contains("Shandong"),
            "{some}"
        );
    }
    assert!(!running.is_finished());
    running.stop().await;
}
