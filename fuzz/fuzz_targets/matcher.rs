//! Fuzzes the matcher with arbitrary questions against the shipped knowledge: it must never panic, and its
//! score must stay in [0, 1].
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use verbatim::answer::Engine;
use verbatim::matcher::MatcherConfig;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::load(&[], MatcherConfig::default()).expect("shipped knowledge").0);

fuzz_target!(|data: &[u8]| {
    let question = String::from_utf8_lossy(data);
    let reply = ENGINE.ask(&question);
    assert!((0.0..=1.0).contains(&reply.score), "score {} out of range", reply.score);
    let _ = (reply.plain(), reply.html(), reply.json());
});
