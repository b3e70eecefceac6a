//! End-to-end test of verifying the bot, against a real Synapse, with a second matrix-sdk client acting as the
//! admin's: the bot's log names its device, fingerprint and master key as the admin's client sees them; an
//! admin verifies the bot's device with emojis (to-device) and then the bot's account from their direct chat
//! (in-room), the emojis in the bot's log being the ones the admin's client shows, and the admin's client marks
//! the bot verified; a request from someone who is not an admin is cancelled.

use crate::botkit;

use matrix_sdk::encryption::verification::{SasVerification, VerificationRequest};
use matrix_sdk::ruma::OwnedDeviceId;
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::ruma::events::room::member::MembershipState;

use crate::botkit::{BotProcess, User, bot_config_text, init_logs, wait};
use crate::support::synapse;

/// The emojis of `sas` as the bot logs them.
fn emoji_line(sas: &SasVerification) -> String {
    let emojis: Vec<(&str, &str)> = sas
        .emoji()
        .expect("emojis")
        .iter()
        .map(|e| (e.symbol, e.description))
        .collect();
    verbatim::bot::verification::describe(&emojis, sas.decimals())
}

/// Runs the emoji verification of `request` from the admin's side up to the comparison, checks that the bot
/// logged the same emojis (its `nth` verification), confirms, and waits until it is done.
async fn verify(request: VerificationRequest, bot: &BotProcess, nth: usize) {
    wait("the bot to accept the request", async || {
        request.is_ready().then_some(())
    })
    .await;
    let sas = request
        .start_sas()
        .await
        .expect("start SAS")
        .expect("a SAS verification");
    wait("the emojis", async || sas.emoji().map(|_| ())).await;
    let log = bot
        .wait_log("emoji verification: compare these with your client", nth)
        .await;
    let expected = emoji_line(&sas);
    assert!(
        log.contains(&expected),
        "the bot's log does not show {expected:?}:\n{log}"
    );
    assert!(!sas.is_done(), "the bot confirmed before the admin did");
    sas.confirm().await.expect("confirm");
    wait("the verification to be done", async || {
        sas.is_done().then_some(())
    })
    .await;
    bot.wait_log(
        "verified: the admin's client now shows the bot as verified",
        nth,
    )
    .await;
}

/// Gives `user` cross-signing keys, as Element sets up for its users: verifying someone else's account signs
/// it with the user-signing key.
async fn set_up_cross_signing(user: &User) {
    let encryption = user.client.encryption();
    let Err(e) = encryption.bootstrap_cross_signing(None).await else {
        return;
    };
    let info = e.as_uiaa_response().expect("an interactive-auth challenge");
    let identifier = uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(
        user.account.user_id.clone(),
    ));
    let mut password = uiaa::Password::new(identifier, user.account.password.clone());
    password.session = info.session.clone();
    encryption
        .bootstrap_cross_signing(Some(uiaa::AuthData::Password(password)))
        .await
        .expect("bootstrap cross-signing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_verifies_the_bot_with_emojis_and_nobody_else_can() {
    init_logs();
    let server = synapse::shared();
    let (bot_account, bot, dir) = botkit::bot_account(server).await;
    let admin = User::new(server, "admin").await;
    let mallory = User::new(server, "mallory").await;
    set_up_cross_signing(&admin).await;
    let text = bot_config_text(
        server,
        &bot_account,
        dir.path(),
        &["@admin-*:localhost", "@mallory-*:localhost"],
        "admins = [\"@admin-*:localhost\"]\n",
    );
    let process = BotProcess::start(dir.path(), &text);
    let log = process.wait_log("this device's identity", 1).await;
    let device_id: OwnedDeviceId =
        verbatim::bot::session::saved_device_id(&dir.path().join("state"))
            .expect("a session")
            .into();

    // Both users share a direct chat with the bot, so their clients know its device.
    for user in [&admin, &mallory] {
        let room = user.create_room(&[&bot], true, true).await;
        user.membership(&room, &bot, MembershipState::Join).await;
    }
    let bot_device = async |user: &User| {
        wait("the bot's device keys", async || {
            user.client
                .encryption()
                .get_device(&bot, &device_id)
                .await
                .ok()
                .flatten()
        })
        .await
    };

    // The log shows the fingerprint and master key the admin's client has for the bot.
    let device = bot_device(&admin).await;
    let fingerprint = verbatim::bot::crypto::spaced(&device.ed25519_key().unwrap().to_base64());
    let line = log
        .lines()
        .find(|l| l.contains("this device's identity"))
        .unwrap();
    assert!(
        line.contains(&fingerprint) && line.contains(device_id.as_str()),
        "{line} lacks {fingerprint}"
    );
    let identity = wait("the bot's identity", async || {
        admin
            .client
            .encryption()
            .get_user_identity(&bot)
            .await
            .ok()
            .flatten()
    })
    .await;
    let master =
        verbatim::bot::crypto::spaced(&identity.master_key().get_first_key().unwrap().to_base64());
    assert!(
        line.contains(&master),
        "{line} lacks the master key {master}"
    );
    assert!(!device.is_verified() && !identity.is_verified());

    // Someone who is not an admin: cancelled.
    let refused = bot_device(&mallory)
        .await
        .request_verification()
        .await
        .unwrap();
    wait("the bot to cancel mallory's request", async || {
        refused.is_cancelled().then_some(())
    })
    .await;
    process
        .wait_log(
            "refusing a verification request: only [access] admins may verify the bot",
            1,
        )
        .await;

    // The admin verifies the bot's device (a to-device verification).
    verify(device.request_verification().await.unwrap(), &process, 1).await;
    // The admin's client records its trust just after the verification is done: wait for it (the deadline
    // fails the test if it never comes).
    wait("the admin's client to trust the bot's device", async || {
        bot_device(&admin).await.is_verified().then_some(())
    })
    .await;

    // And the bot's account from the direct chat (an in-room verification, as Element does from a profile):
    // its cross-signed device is then verified through the account.
    let request = identity.request_verification().await.unwrap();
    assert!(request.room_id().is_some(), "not an in-room verification");
    verify(request, &process, 2).await;
    wait(
        "the admin's client to trust the bot's account",
        async || {
            let identity = admin
                .client
                .encryption()
                .get_user_identity(&bot)
                .await
                .ok()??;
            identity.is_verified().then_some(())
        },
    )
    .await;
    let device = bot_device(&admin).await;
    assert!(
        device.is_verified_with_cross_signing(),
        "the bot's device is not cross-signed"
    );

    let status = process.terminate().await;
    assert!(status.success(), "{status}");
}
