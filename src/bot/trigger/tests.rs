//! The trigger rules, without a server.

use super::*;

fn me() -> Identity {
    Identity {
        user_id: "@verbatim:example.org".into(),
        display_name: Some("Verbatim Bot".into()),
        command_prefix: "!ask".into(),
        help_command: "!help".into(),
        sources_command: "!sources".into(),
    }
}

fn group(body: &str) -> Action {
    decide(
        &me(),
        &Message {
            body,
            ..Message::default()
        },
    )
}

fn ask(q: &str) -> Action {
    Action::Ask(q.to_string())
}

#[test]
fn direct_rooms_take_every_message() {
    let m = Message {
        body: "  Who chairs Haier?  ",
        direct: true,
        ..Message::default()
    };
    assert_eq!(decide(&me(), &m), ask("Who chairs Haier?"));
    let m = Message {
        body: "!ask Who chairs Haier?",
        direct: true,
        ..Message::default()
    };
    assert_eq!(decide(&me(), &m), ask("Who chairs Haier?"));
}

#[test]
fn group_rooms_need_an_address() {
    assert_eq!(group("Who chairs Haier?"), Action::Ignore);
    assert_eq!(group("I asked verbatimly"), Action::Ignore);
    assert_eq!(group("!asking around"), Action::Ignore);
    assert_eq!(group("!ask Who chairs Haier?"), ask("Who chairs Haier?"));
    assert_eq!(group("!ASK   Who chairs Haier?"), ask("Who chairs Haier?"));
}

#[test]
fn names_and_mxids_address_the_bot_and_are_stripped() {
    assert_eq!(
        group("@verbatim:example.org: who chairs Haier?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("@verbatim:example.org who chairs Haier?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("Verbatim Bot: who chairs Haier?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("verbatim bot, who chairs Haier?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("verbatim: who chairs Haier?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("who chairs Haier, Verbatim Bot?"),
        ask("who chairs Haier?")
    );
    assert_eq!(
        group("hey @verbatim:example.org who chairs Haier?"),
        ask("hey who chairs Haier?")
    );
    assert_eq!(group("@verbatim:example.org.evil who?"), Action::Ignore);
}

#[test]
fn mentions_pills_and_replies_address_the_bot() {
    let me = me();
    let m = Message {
        body: "who chairs Haier?",
        mentions_bot: true,
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), ask("who chairs Haier?"));
    let m = Message {
        body: "who chairs Haier?",
        replies_to_bot: true,
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), ask("who chairs Haier?"));
    // A message in a thread where the bot answered is a follow-up to it.
    let m = Message {
        body: "what else did he say?",
        in_bots_thread: true,
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), ask("what else did he say?"));
    let html = "<a href=\"https://matrix.to/#/@verbatim:example.org\">V</a>: who chairs Haier?";
    let m = Message {
        body: "V: who chairs Haier?",
        formatted_body: Some(html),
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), ask("V: who chairs Haier?"));
    let m = Message {
        body: "> <@verbatim:example.org> a quote\n> more\n\nand who chairs it?",
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), ask("and who chairs it?"));
    let m = Message {
        body: "> <@someone:example.org> a quote\n\nand who chairs it?",
        ..Message::default()
    };
    assert_eq!(decide(&me, &m), Action::Ignore);
}

#[test]
fn commands_work_everywhere() {
    assert_eq!(group("!help"), Action::Help);
    assert_eq!(group("!HELP please"), Action::Help);
    assert_eq!(group("!sources"), Action::Sources);
    assert_eq!(group("Verbatim Bot: !sources"), Action::Sources);
    assert_eq!(group("!helpful"), Action::Ignore);
}

#[test]
fn an_empty_question_gets_help() {
    assert_eq!(group("!ask"), Action::Help);
    assert_eq!(group("@verbatim:example.org"), Action::Help);
    assert_eq!(group("verbatim bot?"), Action::Help);
}

#[test]
fn a_plain_request_for_help_gets_help_not_a_quote() {
    assert_eq!(group("!ask help"), Action::Help);
    assert_eq!(group("Verbatim Bot: Help me!"), Action::Help);
    assert_eq!(group("@verbatim:example.org please help?"), Action::Help);
    let direct = Message {
        body: "help",
        direct: true,
        ..Message::default()
    };
    assert_eq!(decide(&me(), &direct), Action::Help);
    // Help as part of a real question is a question.
    assert_eq!(
        group("!ask how does the internet help the economy"),
        ask("how does the internet help the economy")
    );
    assert_eq!(group("help"), Action::Ignore);
}

#[test]
fn html_and_room_pings_pass_through_to_the_engine_which_escapes_them() {
    assert_eq!(group("!ask <b>who</b> @room"), ask("<b>who</b> @room"));
}

#[test]
fn identity_names_and_help() {
    let mut me = me();
    assert_eq!(me.localpart(), "verbatim");
    assert_eq!(me.names(), ["Verbatim Bot", "verbatim"]);
    me.display_name = Some("VERBATIM".into());
    assert_eq!(me.names(), ["VERBATIM"]);
    assert!(me.how_to_ask().contains("!ask"));
}
