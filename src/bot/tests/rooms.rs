//! Handler tests of `[[rooms]]`: a mapped room answers, lists sources and gives help only from its sources; a
//! reload that would leave an entry naming a missing source is refused, keeping the engines and the mapping in
//! service, with the error at its line in the `!reload` reply.

use std::sync::Arc;

use super::super::reload::hangup;
use super::{ME, ROOM, harness, plain};

const FERRIES: &str = "nordhavn-ferries-2024";
const SHANDONG: &str = "shandong-manufacturing-2023";

/// The `[knowledge]` and `[access]` of these tests: the shipped knowledge (copied to `kb`) and the ferries
/// fixture, alice an admin.
fn knowledge() -> String {
    let ferries = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ferries");
    format!(
        "[access]\nadmins = [\"@alice:localhost\"]\n[knowledge]\npaths = [\"kb\", {ferries:?}]\n"
    )
}

fn rooms(source: &str) -> String {
    format!("[[rooms]]\nrooms = [\"#elsewhere:localhost\", \"{ROOM}\"]\nsources = [\"{source}\"]\n")
}

fn body(sent: &[(String, serde_json::Value)], i: usize) -> String {
    sent[i].1["body"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_mapped_room_answers_only_from_its_sources_and_a_bad_reload_keeps_the_mapping() {
    let h = harness(&format!("{}{}", knowledge(), rooms(FERRIES)), 0).await;
    let ask = async |id: &str, question: &str| {
        let sent = h.deliver(&[], vec![plain(id, question)]).await;
        assert_eq!(sent.len(), 1, "{sent:#?}");
        body(&sent, 0)
    };
    let zhou = ask("$q1", "Who is Zhou Yunjie?").await;
    assert!(!zhou.contains("Haier"), "{zhou}");
    let lind = ask("$q2", "Who is Maria Lind?").await;
    assert!(lind.contains("the mayor of Nordhavn"), "{lind}");
    let sources = ask("$q3", "!sources").await;
    assert!(
        sources.contains("Nordhavn") && !sources.contains("Shandong"),
        "{sources}"
    );
    let help = ask("$q4", "!help").await;
    assert!(
        help.contains("Nordhavn") && !help.contains("Shandong"),
        "{help}"
    );
    // All the knowledge is loaded all the same; other rooms get it.
    let engines = h.bot.engine.current();
    assert_eq!(engines.all().knowledge().sources.len(), 2);
    assert!(Arc::ptr_eq(
        &engines.for_room("!other:localhost", &[]),
        engines.all()
    ));

    // SIGHUP with an entry naming a source that is not loaded: refused, the engines and the mapping stay.
    let path = h.bot.config().path.clone();
    let base = format!(
        "[matrix]\nhomeserver = {:?}\nuser_id = {ME:?}\nstore_passphrase = \"x\"\n{}",
        h.server.uri(),
        knowledge()
    );
    std::fs::write(&path, format!("{base}{}", rooms("ferries"))).unwrap();
    let outcome = hangup(&h.bot).await;
    assert_eq!(outcome.applied, ["rooms.sources"]);
    assert!(Arc::ptr_eq(&engines, &h.bot.engine.current()));
    assert!(!ask("$q5", "Who is Zhou Yunjie?").await.contains("Haier"));
    // `!reload` tries the configuration in service again, and says where the error is.
    let reload = ask("$r1", "!reload").await;
    let line = base.lines().count() + 3;
    assert!(
        reload.contains(&format!(
            "{}:{line}:12: error: `rooms.sources`: the knowledge has no source \"ferries\"",
            path.display()
        )) && reload.contains("previous knowledge"),
        "{reload}"
    );
    assert!(
        reload.contains(FERRIES) && reload.contains(SHANDONG),
        "{reload}"
    );

    // Fixed, and mapped to the other source: the room now answers from Shandong only.
    std::fs::write(&path, format!("{base}{}", rooms(SHANDONG))).unwrap();
    hangup(&h.bot).await;
    assert!(!Arc::ptr_eq(&engines, &h.bot.engine.current()));
    let zhou = ask("$q6", "Who is Zhou Yunjie?").await;
    assert!(zhou.contains("Haier Group"), "{zhou}");
    let sources = ask("$q7", "!sources").await;
    assert!(
        sources.contains("Shandong") && !sources.contains("Nordhavn"),
        "{sources}"
    );
}
