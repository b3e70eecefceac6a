//! Reply rendering: every piece of knowledge or question text is escaped in HTML, and "@room" never pings.

use std::path::PathBuf;

use verbatim::answer::{Engine, Outcome};
use verbatim::matcher::MatcherConfig;

fn engine() -> Engine {
    let (engine, _) = Engine::load(
        &[PathBuf::from("tests/data/html")],
        MatcherConfig::default(),
    )
    .unwrap();
    engine
}

#[test]
fn answer_html_escapes_knowledge_text() {
    let reply = engine().ask("what was the bold claim");
    assert_eq!(reply.outcome, Outcome::Answer);
    let html = reply.html();
    assert!(html.starts_with("<blockquote>The &lt;b&gt;bold&lt;/b&gt; claim &amp; &quot;quotes&quot; were sent to @\u{2060}room by Tom.</blockquote>"), "{html}");
    assert!(
        html.contains("Tom &lt;script&gt;, an &quot;editor&quot; &amp; friend (as reported)"),
        "{html}"
    );
    assert!(
        html.contains("Markup &amp; &lt;i&gt;mischief&lt;/i&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>") && !html.contains("<b>") && !html.contains("@room"));
}

#[test]
fn answer_plain_keeps_the_text_but_defuses_room_pings() {
    let plain = engine().ask("what was the bold claim").plain();
    assert!(plain.starts_with("> The <b>bold</b> claim & \"quotes\" were sent to @\u{2060}room by Tom.\n— Tom <script>"), "{plain}");
    assert!(!plain.contains("@room"));
}

#[test]
fn suggestions_are_escaped_too() {
    // The same knowledge, with an answer threshold no question reaches: everything close is a suggestion.
    let config = MatcherConfig {
        answer_threshold: Some(0.999),
        suggest_threshold: Some(0.01),
        ..MatcherConfig::default()
    };
    let engine = Engine::new(engine().knowledge().clone(), config);
    let reply = engine.ask("bold <claim> @room");
    assert_eq!(reply.outcome, Outcome::Suggest);
    assert_eq!(
        reply.html(),
        "<p>I'm not sure I have that. Did you mean:</p>\n<ol><li>What was the bold claim?</li></ol>\n<p>Reply &quot;yes&quot; (or 1) to get it.</p>"
    );
    assert!(!reply.plain().contains("@room"));
}

#[test]
fn nothing_found_points_at_help() {
    let reply = engine().ask("<img src=x> @room how do I bake bread");
    assert_eq!(reply.outcome, Outcome::None);
    assert_eq!(
        reply.plain(),
        "Sorry, I found nothing about that in my sources. Send !help to see what I can answer."
    );
    assert!(!reply.html().contains("<img"));
    let json = reply.json();
    assert_eq!(json["question"], "<img src=x> @room how do I bake bread");
}

#[test]
fn help_and_sources_list_every_source() {
    let engine = engine();
    let help = engine.help("Ask me with !ask <question>.");
    assert!(
        help.plain
            .contains("- \"Markup & <i>mischief</i>\" (2024-02-02)"),
        "{}",
        help.plain
    );
    assert!(
        help.html
            .contains("<em>Markup &amp; &lt;i&gt;mischief&lt;/i&gt;</em>")
            && help.html.contains("!ask &lt;question&gt;")
    );
    let sources = engine.sources();
    assert!(
        sources
            .plain
            .contains("\"Markup & <i>mischief</i>\", 2024-02-02 (1 entries)"),
        "{}",
        sources.plain
    );
}
