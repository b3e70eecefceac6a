//! Handler tests of what an operator changes while the bot runs: SIGHUP applying the configuration's live keys
//! (and naming the changed keys that need a restart), and an admin's `!reload` that fails telling each error's
//! hint.

use serde_json::json;

use super::super::reload::hangup;
use super::{ME, harness, knowledge_copy, plain, text};

#[tokio::test]
async fn sighup_applies_the_live_keys_and_names_the_ones_that_need_a_restart() {
    let h = harness("", 0).await;
    let path = h.bot.config().path.clone();
    let base = format!(
        "[matrix]\nhomeserver = {:?}\nuser_id = {ME:?}\nstore_passphrase = \"x\"\n",
        h.server.uri()
    );
    std::fs::write(&path, &base).unwrap();
    let unchanged = hangup(&h.bot).await;
    assert_eq!(unchanged, Default::default());

    // Bob is not an admin yet: his !reload is ignored.
    let bob = "@bob:localhost";
    let reload_by_bob = |id: &str| text(id, bob, json!({"msgtype": "m.text", "body": "!reload"}));
    assert!(
        h.deliver(&[bob], vec![reload_by_bob("$b1")])
            .await
            .is_empty()
    );

    std::fs::write(
        &path,
        format!(
            "{base}device_name = \"renamed\"\n[access]\nadmins = [\"@bob:localhost\"]\n[limits]\nper_user_burst = 1\n\
             per_user_per_minute = 1\n[bot]\ncommand_prefix = \"!q\"\n"
        ),
    )
    .unwrap();
    let outcome = hangup(&h.bot).await;
    assert_eq!(
        outcome.applied,
        [
            "access.admins",
            "limits.per_user_burst",
            "limits.per_user_per_minute"
        ]
    );
    assert_eq!(
        outcome.need_restart,
        ["matrix.device_name", "bot.command_prefix"]
    );
    assert!(outcome.errors.is_empty());
    let config = h.bot.config();
    assert!(config.access.is_admin(bob));
    assert_eq!(
        config.matrix.device_name, "verbatim",
        "restart-only keys keep their running values"
    );
    assert_eq!(config.bot.command_prefix, "!ask");

    // Bob is an admin now; and the new per-user limit (a burst of one) is in force.
    let sent = h.deliver(&[bob], vec![reload_by_bob("$b2")]).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(
        sent[0].1["body"]
            .as_str()
            .unwrap()
            .starts_with("Knowledge reloaded")
    );
    let sent = h
        .deliver(
            &[bob],
            vec![
                plain("$q1", "!ask Who is Zhou Yunjie?"),
                plain("$q2", "!ask Who is Zhou Yunjie?"),
                plain("$q3", "!ask Who is Zhou Yunjie?"),
            ],
        )
        .await;
    let bodies: Vec<&str> = sent
        .iter()
        .map(|(_, c)| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:#?}");
    assert!(
        bodies[0].contains("Haier Group") && bodies[1].contains("slow down"),
        "{bodies:#?}"
    );

    // A file with errors changes nothing.
    std::fs::write(&path, format!("{base}[access]\nadmins = [ops]\n")).unwrap();
    let outcome = hangup(&h.bot).await;
    assert!(outcome.applied.is_empty() && outcome.need_restart.is_empty());
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert!(
        outcome.errors[0].contains("ops is not a TOML value"),
        "{:?}",
        outcome.errors
    );
    assert!(h.bot.config().access.is_admin(bob));
}

#[tokio::test]
async fn a_failed_reload_tells_the_admin_each_errors_hint() {
    let h = harness(
        "[access]\nadmins = [\"@ali*:localhost\"]\n[knowledge]\npaths = [\"kb\"]\n",
        0,
    )
    .await;
    let file = knowledge_copy(h._dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let broken = good.replacen("voice = \"narrative\"", "voice = narrative", 2);
    assert_ne!(broken, good);
    std::fs::write(&file, &broken).unwrap();
    let sent = h.deliver(&[], vec![plain("$r", "!reload")]).await;
    let body = sent[0].1["body"].as_str().unwrap();
    assert!(body.contains("2 error(s)"), "{body}");
    assert_eq!(
        body.matches("narrative is not a TOML value; text must be in quotes\n  hint: write voice = \"narrative\"")
            .count(),
        2,
        "{body}"
    );
    let html = sent[0].1["formatted_body"].as_str().unwrap();
    assert!(
        html.contains("<br>  hint: write voice = &quot;narrative&quot;"),
        "{html}"
    );
}
