//! `[access]`: who may invite the bot and who may operate it, as MXID patterns where `*` matches anything.

/// `[access]`.
#[derive(Debug, Clone, Default)]
pub struct AccessConfig {
    /// MXID patterns (`*` matches any run of characters) whose invites are accepted.
    pub allowed_inviters: Vec<String>,
    /// MXID patterns (as for `allowed_inviters`) that may operate the bot (`!reload`).
    pub admins: Vec<String>,
}

impl AccessConfig {
    /// Whether `user_id` may invite the bot.
    ///
    /// ```
    /// use verbatim::config::AccessConfig;
    /// let access = AccessConfig {
    ///     allowed_inviters: vec!["@*:example.org".into(), "@ann:other.net".into()],
    ///     ..AccessConfig::default()
    /// };
    /// assert!(access.allows("@bob:example.org"));
    /// assert!(access.allows("@ann:other.net"));
    /// assert!(!access.allows("@bob:other.net"));
    /// assert!(!access.allows("@bob:example.org.evil"));
    /// ```
    pub fn allows(&self, user_id: &str) -> bool {
        self.allowed_inviters
            .iter()
            .any(|pattern| glob_match(pattern, user_id))
    }

    /// Whether `user_id` is an admin (may send `!reload`).
    ///
    /// ```
    /// use verbatim::config::AccessConfig;
    /// let access = AccessConfig { admins: vec!["@ops-*:example.org".into()], ..AccessConfig::default() };
    /// assert!(access.is_admin("@ops-ann:example.org"));
    /// assert!(!access.is_admin("@ann:example.org"));
    /// ```
    pub fn is_admin(&self, user_id: &str) -> bool {
        self.admins
            .iter()
            .any(|pattern| glob_match(pattern, user_id))
    }

    /// What the bot warns about at start: with no `allowed_inviters` nobody can invite it, which is the safe
    /// default but rarely what a first configuration means.
    ///
    /// ```
    /// use verbatim::config::AccessConfig;
    /// assert!(AccessConfig::default().warning().unwrap().contains("allowed_inviters"));
    /// let open = AccessConfig { allowed_inviters: vec!["@*:example.org".into()], ..AccessConfig::default() };
    /// assert_eq!(open.warning(), None);
    /// ```
    pub fn warning(&self) -> Option<&'static str> {
        self.allowed_inviters.is_empty().then_some(
            "[access] allowed_inviters is empty, so every invite is rejected: list the MXIDs (or patterns such as \
             \"@*:example.org\") of the people who may invite the bot in the configuration file",
        )
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (including none).
pub(super) fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}
