//! Proves the real-Synapse test harness works end to end: two users, a room,
//! an invite, a join and a message delivered through `/sync`.

use std::time::{Duration, Instant};

use crate::support::synapse;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::OwnedUserId;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, RoomMessageEventContent,
};
use matrix_sdk::{Client, Room, RoomState};
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(30);

fn short_sync() -> SyncSettings {
    SyncSettings::default().timeout(Duration::from_millis(500))
}

/// Syncs `client` until `done` returns `Some`, panicking after [`DEADLINE`].
async fn sync_until<T>(client: &Client, what: &str, mut done: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        client.sync_once(short_sync()).await.expect("sync");
        if let Some(value) = done() {
            return value;
        }
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_exchange_a_message_through_real_synapse() {
    let server = synapse::shared();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(server.server_name(), "localhost");

    let alice_user = server.register("alice").await;
    let bob_user = server.register("bob").await;
    assert_ne!(alice_user.user_id, bob_user.user_id);
    assert!(alice_user.user_id.starts_with("@alice-"));
    assert!(alice_user.user_id.ends_with(":localhost"));

    let stores = tempfile::tempdir().expect("store dir");
    let alice = server
        .login_client(&alice_user, &stores.path().join("alice"))
        .await;
    let bob = server
        .login_client(&bob_user, &stores.path().join("bob"))
        .await;
    assert_eq!(
        alice.user_id().map(|u| u.as_str()),
        Some(alice_user.user_id.as_str())
    );

    let (tx, mut rx) = mpsc::unbounded_channel();
    bob.add_event_handler(move |event: OriginalSyncRoomMessageEvent, room: Room| {
        let tx = tx.clone();
        async move {
            if let MessageType::Text(text) = event.content.msgtype {
                let _ = tx.send((room.room_id().to_owned(), event.sender, text.body));
            }
        }
    });
    bob.sync_once(short_sync()).await.expect("bob initial sync");

    let room = alice
        .create_room(create_room::v3::Request::new())
        .await
        .expect("create room");
    let bob_id: OwnedUserId = bob_user.user_id.parse().expect("bob user id");
    room.invite_user_by_id(&bob_id).await.expect("invite bob");

    let invited = sync_until(&bob, "the invite", || {
        bob.get_room(room.room_id())
            .filter(|r| r.state() == RoomState::Invited)
    })
    .await;
    invited.join().await.expect("bob joins");
    assert_eq!(
        bob.get_room(room.room_id()).map(|r| r.state()),
        Some(RoomState::Joined)
    );

    let body = "hello from alice, verbatim";
    room.send(RoomMessageEventContent::text_plain(body))
        .await
        .expect("send message");

    let (room_id, sender, received) =
        sync_until(&bob, "alice's message", || rx.try_recv().ok()).await;
    assert_eq!(room_id, room.room_id());
    assert_eq!(sender.as_str(), alice_user.user_id);
    assert_eq!(received, body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_users_are_unique_across_parallel_tests() {
    let server = synapse::shared();
    let users = futures_join(server).await;
    let mut ids: Vec<&str> = users.iter().map(|u| u.user_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), users.len());
}

async fn futures_join(server: &'static synapse::Synapse) -> Vec<synapse::TestUser> {
    let handles: Vec<_> = (0..4)
        .map(|_| tokio::spawn(async move { server.register("Same Prefix").await }))
        .collect();
    let mut users = Vec::new();
    for handle in handles {
        users.push(handle.await.expect("register task"));
    }
    assert!(
        users
            .iter()
            .all(|u| u.localpart.starts_with("same_prefix-"))
    );
    users
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_server_keeps_its_database_across_a_restart() {
    let mut server = synapse::Synapse::start();
    let user = server.register("restart").await;
    let url = server.base_url();

    server.stop();
    assert!(!server.is_running());
    assert!(
        reqwest::get(format!("{url}/health")).await.is_err(),
        "stopped server still answers"
    );

    server.start_again();
    assert!(server.is_running());
    assert_eq!(server.base_url(), url);
    let store = tempfile::tempdir().expect("store dir");
    let client = server.login_client(&user, store.path()).await;
    assert!(client.matrix_auth().logged_in());
}
