//! The engines in service: one over all the knowledge, and one for each distinct set of sources that the
//! configuration's `[[rooms]]` entries give rooms ([`crate::config::RoomsConfig`]), all built when the
//! knowledge is loaded or reloaded, so a question costs no rebuild. [`Bot::engine_for`] picks a room's engine:
//! the first `[[rooms]]` entry that matches the room's id, canonical alias or one of its alternative aliases,
//! else the whole knowledge.
//!
//! [`Engines`] keeps the mapping it was built with: a reload that fails leaves the old engines and the old
//! mapping in service together, even when the configuration's live keys have changed meanwhile (SIGHUP).

use std::path::Path;
use std::sync::Arc;

use matrix_sdk::Room;

use super::Bot;
use crate::answer::Engine;
use crate::config::RoomsConfig;
use crate::diagnostic::Diagnostic;

/// The engine over all the knowledge and the narrowed engines of `[[rooms]]`, swapped in together.
#[derive(Debug)]
pub struct Engines {
    all: Arc<Engine>,
    rooms: RoomsConfig,
    /// The engine of each entry of `rooms.rules`, in order (entries with the same sources share one).
    per_rule: Vec<Arc<Engine>>,
}

impl From<Engine> for Engines {
    /// Every room gets all the knowledge.
    fn from(all: Engine) -> Engines {
        Engines {
            all: Arc::new(all),
            rooms: RoomsConfig::default(),
            per_rule: Vec::new(),
        }
    }
}

impl Engines {
    /// The engines for `rooms` over `all`: one narrowed engine per distinct set of sources. A source that
    /// `all` does not have is an error at its line in `config_path` (the configuration file), and then there are
    /// no engines.
    pub fn new(
        all: Engine,
        rooms: &RoomsConfig,
        config_path: &Path,
    ) -> Result<Engines, Vec<Diagnostic>> {
        let known: Vec<&str> = all
            .knowledge()
            .sources
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let unknown = rooms.unknown_sources(config_path, &known);
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let mut built: Vec<(Vec<&str>, Arc<Engine>)> = Vec::new();
        let mut per_rule = Vec::new();
        for rule in &rooms.rules {
            let mut set: Vec<&str> = rule.sources.iter().map(String::as_str).collect();
            set.sort_unstable();
            set.dedup();
            let engine = match built.iter().find(|(s, _)| *s == set) {
                Some((_, engine)) => engine.clone(),
                None => {
                    let engine = Arc::new(all.restricted_to(&rule.sources));
                    built.push((set, engine.clone()));
                    engine
                }
            };
            per_rule.push(engine);
        }
        Ok(Engines {
            all: Arc::new(all),
            rooms: rooms.clone(),
            per_rule,
        })
    }

    /// The engine over all the knowledge (rooms that no `[[rooms]]` entry matches).
    pub fn all(&self) -> &Arc<Engine> {
        &self.all
    }

    /// The engine of the room with id `room_id` and `aliases`: that of the first `[[rooms]]` entry that
    /// matches it, else the one over all the knowledge.
    pub fn for_room(&self, room_id: &str, aliases: &[&str]) -> Arc<Engine> {
        match self.rooms.rule_for(room_id, aliases) {
            Some(i) => self.per_rule[i].clone(),
            None => self.all.clone(),
        }
    }

    /// Whether some `[[rooms]]` entry narrows some room's knowledge.
    pub fn maps_rooms(&self) -> bool {
        !self.rooms.rules.is_empty()
    }
}

impl Bot {
    /// The engine that answers in `room` (its questions, `!help` and `!sources`): the knowledge its
    /// `[[rooms]]` entry gives it, matched by room id, canonical alias and alternative aliases, or all of it.
    pub fn engine_for(&self, room: &Room) -> Arc<Engine> {
        let engines = self.engine.current();
        if !engines.maps_rooms() {
            return engines.all().clone();
        }
        let canonical = room.canonical_alias();
        let alt = room.alt_aliases();
        let aliases: Vec<&str> = canonical
            .iter()
            .chain(alt.iter())
            .map(|a| a.as_str())
            .collect();
        engines.for_room(room.room_id().as_str(), &aliases)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::answer::Outcome;
    use crate::config::Config;
    use crate::matcher::MatcherConfig;

    const SHANDONG: &str = "shandong-manufacturing-2023";
    const FERRIES: &str = "nordhavn-ferries-2024";

    fn both() -> Engine {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let paths: Vec<PathBuf> = vec![root.join("knowledge"), root.join("tests/data/ferries")];
        Engine::load(&paths, MatcherConfig::default()).unwrap().0
    }

    fn rooms(text: &str) -> Config {
        let base = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@v:m.org\"\n";
        Config::parse(
            Path::new("/etc/verbatim/config.toml"),
            &format!("{base}{text}"),
        )
        .unwrap()
    }

    #[test]
    fn a_mapped_room_answers_only_from_its_sources() {
        let config = rooms(&format!(
            "[[rooms]]\nrooms = [\"#ferries-*:m.org\"]\nsources = [\"{FERRIES}\"]\n\
             [[rooms]]\nrooms = [\"!both:m.org\"]\nsources = [\"{FERRIES}\", \"{SHANDONG}\"]\n\
             [[rooms]]\nrooms = [\"!again:m.org\"]\nsources = [\"{FERRIES}\"]\n"
        ));
        let engines = Engines::new(both(), &config.rooms, &config.path).unwrap();
        let ferries = engines.for_room("!x:m.org", &["#ferries-harbour:m.org"]);
        let all = engines.for_room("!x:m.org", &["#general:m.org"]);
        assert!(Arc::ptr_eq(&all, engines.all()));
        assert!(
            Arc::ptr_eq(&ferries, &engines.for_room("!again:m.org", &[])),
            "one engine per set of sources"
        );
        let sources = |e: &Engine| -> Vec<String> {
            e.knowledge().sources.iter().map(|s| s.id.clone()).collect()
        };
        assert_eq!(sources(&ferries), [FERRIES]);
        assert_eq!(sources(&all).len(), 2);
        assert_eq!(sources(&engines.for_room("!both:m.org", &[])).len(), 2);

        let shandong = "Who is Zhou Yunjie?";
        let answered = all.ask(shandong);
        assert_eq!(answered.outcome, Outcome::Answer);
        assert!(answered.plain().contains("Haier Group"));
        let narrowed = ferries.ask(shandong);
        assert!(!narrowed.plain().contains("Haier"), "{}", narrowed.plain());
        assert_ne!(narrowed.outcome, Outcome::Answer);
        let lind = ferries.ask("Who is Maria Lind?");
        assert_eq!(lind.outcome, Outcome::Answer);
        assert!(
            lind.plain().contains("mayor of Nordhavn"),
            "{}",
            lind.plain()
        );
        assert!(
            ferries
                .ask("What is the report about?")
                .plain()
                .contains("Nordhavn")
        );
        assert!(
            !ferries
                .ask("What is the report about?")
                .plain()
                .contains("Shandong")
        );

        let listed = ferries.sources().plain;
        assert!(
            listed.contains("Nordhavn") && !listed.contains("Shandong"),
            "{listed}"
        );
        let help = ferries.help("Ask me.").plain;
        assert!(
            help.contains("Nordhavn") && !help.contains("Shandong"),
            "{help}"
        );
        assert!(all.sources().plain.contains("Shandong"));
    }

    #[test]
    fn an_unknown_source_is_an_error_at_its_line_in_the_configuration() {
        let config = rooms("[[rooms]]\nrooms = [\"!a:m.org\"]\nsources = [\"nordhavn\"]\n");
        let errors = Engines::new(both(), &config.rooms, &config.path).unwrap_err();
        assert_eq!(errors.len(), 1);
        let text = errors[0].to_string();
        assert!(
            text.starts_with("/etc/verbatim/config.toml:6:12: error: `rooms.sources`: the knowledge has no source \"nordhavn\""),
            "{text}"
        );
        assert!(text.contains(FERRIES) && text.contains(SHANDONG), "{text}");
    }
}
