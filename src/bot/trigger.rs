//! When is a message a question to the bot, and what is the question? Pure functions over plain text and
//! flags, with no Matrix types, so every rule is testable without a server.
//!
//! Rules: in a direct room (the bot and one person) every text message is a question. In a group room the bot
//! answers only when addressed: the `m.mentions` user ids name it, its display name or MXID (or a pill to it)
//! is in the message, the message starts with the command prefix (`!ask <question>`), it replies to one of
//! the bot's messages, or it is in a thread where the bot answered. The help and sources commands work in every room. The address (prefix, name, MXID) is
//! stripped before the question goes to the engine; so is a rich-reply fallback quote.

/// Who the bot is and which words it reacts to.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The bot's MXID, `@verbatim:example.org`.
    pub user_id: String,
    /// Its display name, if it has one.
    pub display_name: Option<String>,
    /// The command prefix, `!ask`.
    pub command_prefix: String,
    /// The help command, `!help`.
    pub help_command: String,
    /// The sources command, `!sources`.
    pub sources_command: String,
}

impl Identity {
    /// The localpart of the MXID.
    pub fn localpart(&self) -> &str {
        self.user_id
            .trim_start_matches('@')
            .split(':')
            .next()
            .unwrap_or_default()
    }

    /// Names that address the bot in text: the display name, else the localpart.
    pub fn names(&self) -> Vec<String> {
        let mut names = vec![];
        if let Some(name) = self
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            names.push(name.to_string());
        }
        let local = self.localpart().to_string();
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&local)) {
            names.push(local);
        }
        names
    }

    /// One sentence on how to ask, for the help message.
    pub fn how_to_ask(&self) -> String {
        format!(
            "In a direct chat with me, just ask. In a group room, start with {} (\"{} who is ...\"), mention me, or reply to one of my messages. {} lists my sources.",
            self.command_prefix, self.command_prefix, self.sources_command
        )
    }
}

/// A text message as far as the trigger rules care.
#[derive(Debug, Clone, Default)]
pub struct Message<'a> {
    /// The plain body.
    pub body: &'a str,
    /// The HTML body, if any.
    pub formatted_body: Option<&'a str>,
    /// Whether the `m.mentions` user ids contain the bot.
    pub mentions_bot: bool,
    /// Whether it is a reply (`m.in_reply_to`, not a thread fallback) to one of the bot's messages.
    pub replies_to_bot: bool,
    /// Whether it is in a thread where the bot answered (a conversation with the bot).
    pub in_bots_thread: bool,
    /// Whether the room is a direct room (the bot and one other member).
    pub direct: bool,
}

/// What to do with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer this question (the address already stripped).
    Ask(String),
    /// Send the help message.
    Help,
    /// Send the sources message.
    Sources,
    /// Reload the knowledge (`!reload`; only ever produced for an admin, see [`is_reload`]).
    Reload,
    /// Tell the sender to slow down (flood control; `true` when the whole room is over its limit).
    SlowDown(bool),
    /// Stay silent.
    Ignore,
}

/// Decides what to do with `message`.
///
/// ```
/// use verbatim::bot::trigger::{decide, Action, Identity, Message};
/// let me = Identity {
///     user_id: "@verbatim:example.org".into(),
///     display_name: Some("Verbatim".into()),
///     command_prefix: "!ask".into(),
///     help_command: "!help".into(),
///     sources_command: "!sources".into(),
/// };
/// let group = |body| Message { body, ..Message::default() };
/// assert_eq!(decide(&me, &group("who is Zhou?")), Action::Ignore);
/// assert_eq!(decide(&me, &group("!ask who is Zhou?")), Action::Ask("who is Zhou?".into()));
/// assert_eq!(decide(&me, &group("verbatim: who is Zhou?")), Action::Ask("who is Zhou?".into()));
/// assert_eq!(decide(&me, &group("!help")), Action::Help);
/// let direct = Message { body: "who is Zhou?", direct: true, ..Message::default() };
/// assert_eq!(decide(&me, &direct), Action::Ask("who is Zhou?".into()));
/// ```
pub fn decide(me: &Identity, message: &Message<'_>) -> Action {
    let (body, fallback_sender) = strip_reply_fallback(message.body);
    let mut addressed = message.direct
        || message.mentions_bot
        || message.replies_to_bot
        || message.in_bots_thread
        || fallback_sender.is_some_and(|s| s == me.user_id)
        || message
            .formatted_body
            .is_some_and(|html| has_pill(html, &me.user_id));

    let mut text = body.trim();
    // "!ask question" / "@verbatim:example.org: question" / "Verbatim, question", possibly combined.
    loop {
        if let Some(rest) = strip_word(text, &me.command_prefix) {
            addressed = true;
            text = rest;
        } else if let Some(rest) = strip_leading_name(text, me) {
            addressed = true;
            text = rest;
        } else {
            break;
        }
    }
    if strip_word(text, &me.help_command).is_some() {
        return Action::Help;
    }
    if strip_word(text, &me.sources_command).is_some() {
        return Action::Sources;
    }
    let mut question = remove_ci(text, &me.user_id);
    if question.len() != text.len() {
        addressed = true;
    }
    for name in me.names() {
        let removed = remove_ci(&question, &name);
        if removed.len() != question.len() {
            addressed = true;
            question = removed;
        }
    }
    if !addressed {
        return Action::Ignore;
    }
    let question = tidy(&question);
    if question.is_empty()
        || question.chars().all(|c| !c.is_alphanumeric())
        || asks_for_help(&question)
    {
        return Action::Help;
    }
    Action::Ask(question)
}

/// Whether a question addressed to the bot is a plain request for help ("help", "Help me!", "please help?")
/// rather than a question for the knowledge: such a message gets the help message, as `!help` would.
fn asks_for_help(question: &str) -> bool {
    let question = question.to_lowercase();
    let words: Vec<&str> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    matches!(
        words.as_slice(),
        ["help"]
            | ["help", "me"]
            | ["help", "please"]
            | ["please", "help"]
            | ["help", "me", "please"]
    )
}

/// The admin command that reloads the knowledge.
pub const RELOAD_COMMAND: &str = "!reload";

/// Whether `body` is the reload command (`!reload`, alone on its line, after an optional command prefix or
/// bot name). Whether the sender may use it is the caller's business.
///
/// ```
/// use verbatim::bot::trigger::{is_reload, Identity};
/// let me = Identity {
///     user_id: "@verbatim:example.org".into(),
///     display_name: None,
///     command_prefix: "!ask".into(),
///     help_command: "!help".into(),
///     sources_command: "!sources".into(),
/// };
/// assert!(is_reload(&me, "!reload"));
/// assert!(is_reload(&me, "verbatim: !reload "));
/// assert!(!is_reload(&me, "!reload the page"));
/// assert!(!is_reload(&me, "how do I !reload"));
/// ```
pub fn is_reload(me: &Identity, body: &str) -> bool {
    let mut text = strip_reply_fallback(body).0.trim();
    loop {
        if let Some(rest) = strip_word(text, &me.command_prefix) {
            text = rest;
        } else if let Some(rest) = strip_leading_name(text, me) {
            text = rest;
        } else {
            break;
        }
    }
    text.eq_ignore_ascii_case(RELOAD_COMMAND)
}

/// Drops a rich-reply fallback (`> <@sender> quoted text` lines and the blank line after them) from the start
/// of a body; returns the rest and the quoted sender.
///
/// ```
/// use verbatim::bot::trigger::strip_reply_fallback;
/// assert_eq!(strip_reply_fallback("> <@v:x.org> quote\n> more\n\nwhy?"), ("why?", Some("@v:x.org")));
/// assert_eq!(strip_reply_fallback("> not a fallback"), ("> not a fallback", None));
/// ```
pub fn strip_reply_fallback(body: &str) -> (&str, Option<&str>) {
    let Some(first) = body.strip_prefix("> <") else {
        return (body, None);
    };
    let sender = first
        .split_once('>')
        .map(|(s, _)| s)
        .filter(|s| s.starts_with('@') && !s.contains(char::is_whitespace));
    let mut rest = body;
    while rest.starts_with('>') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    match sender {
        Some(sender) => (rest.trim_start_matches(['\n', '\r']), Some(sender)),
        None => (body, None),
    }
}

/// Whether the HTML links to `user_id` as a pill (`https://matrix.to/#/@user:server`).
fn has_pill(html: &str, user_id: &str) -> bool {
    let target = format!("matrix.to/#/{user_id}");
    let encoded = format!(
        "matrix.to/#/{}",
        user_id.replace('@', "%40").replace(':', "%3A")
    );
    html.contains(&target)
        || html
            .to_ascii_lowercase()
            .contains(&encoded.to_ascii_lowercase())
}

/// `text` without a leading `word` (case-insensitive) that stands as a whole word; `None` if it does not
/// start with it.
fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let end = prefix_len_ci(text, word)?;
    let rest = &text[end..];
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some(rest.trim_start())
}

/// `text` without a leading bot name (display name, localpart or MXID, optionally with `@`) that is followed
/// by `:` or `,` (or the end of the text).
fn strip_leading_name<'t>(text: &'t str, me: &Identity) -> Option<&'t str> {
    let mut candidates = vec![me.user_id.clone()];
    for name in me.names() {
        candidates.push(format!("@{name}"));
        candidates.push(name);
    }
    for candidate in candidates {
        let Some(end) = prefix_len_ci(text, &candidate) else {
            continue;
        };
        let rest = &text[end..];
        if let Some(after) = rest.strip_prefix([':', ','])
            && (after.is_empty() || after.starts_with(char::is_whitespace))
        {
            return Some(after.trim_start());
        }
        if rest.trim().is_empty()
            || (candidate.contains(':') && rest.starts_with(char::is_whitespace))
        {
            return Some(rest.trim_start());
        }
    }
    None
}

/// The byte length of the prefix of `text` that equals `word` ignoring case, if any.
fn prefix_len_ci(text: &str, word: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for w in word.chars() {
        let (_, t) = chars.next()?;
        if !t.to_lowercase().eq(w.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(i, _)| i))
}

/// `text` with every whole-word occurrence of `needle` (case-insensitive, optionally preceded by `@`) removed.
fn remove_ci(text: &str, needle: &str) -> String {
    if needle.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok
            && let Some(len) = prefix_len_ci(&text[i..], needle)
            && ends_word(&text[i + len..])
        {
            if out.ends_with('@') {
                out.pop();
            }
            i += len;
            continue;
        }
        let c = text[i..].chars().next().expect("in bounds");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Whether `rest` (the text right after a name) ends the name: nothing, whitespace, or punctuation followed by
/// nothing or whitespace (so `@bot:example.org.evil` is not `@bot:example.org`).
fn ends_word(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some(c) if c.is_whitespace() => true,
        Some(c) if c.is_alphanumeric() => false,
        Some(_) => chars
            .next()
            .is_none_or(|c| c.is_whitespace() || "?!.,:;".contains(c)),
    }
}

/// Collapses whitespace and drops punctuation left dangling at either end by a removed name.
fn tidy(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed
        .trim_start_matches([',', ':', ';', ' '])
        .trim_end_matches([',', ':', ';', ' ']);
    let mut out = trimmed
        .replace(" ,", ",")
        .replace(" ?", "?")
        .replace(" .", ".")
        .replace(" !", "!");
    for (from, to) in [(",?", "?"), (",.", "."), (",!", "!"), (",,", ",")] {
        out = out.replace(from, to);
    }
    out
}

#[cfg(test)]
mod tests;
