//! Problems found in input files, reported the way compilers do: `path:line:col: severity: message`,
//! followed by a hint that says how to fix it. [`syntax_errors`] finds every TOML syntax error of a file (the
//! `toml` crate alone stops at the first), saying of a bare word that text must be in quotes.

use std::fmt;
use std::path::{Path, PathBuf};

mod toml_syntax;

pub use toml_syntax::{explain, syntax_errors};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look, but the file is usable.
    Warning,
    /// The file (or entry) cannot be used as it is.
    Error,
}

/// One problem in one file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if there is something to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at the byte `offset` of `text` (the contents of `path`).
    ///
    /// ```
    /// use verbatim::diagnostic::{Diagnostic, Severity};
    /// let d = Diagnostic::error("k.toml", "a = 1\nb = 2\n", 6, "bad key");
    /// assert_eq!((d.line, d.col, d.severity), (2, 1, Severity::Error));
    /// assert_eq!(d.to_string(), "k.toml:2:1: error: bad key");
    /// ```
    pub fn error(
        path: impl AsRef<Path>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Error, path, text, offset, message)
    }

    /// A warning at the byte `offset` of `text`.
    pub fn warning(
        path: impl AsRef<Path>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Warning, path, text, offset, message)
    }

    fn at(
        severity: Severity,
        path: impl AsRef<Path>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, col) = line_col(text, offset);
        Diagnostic {
            path: path.as_ref().to_path_buf(),
            line,
            col,
            severity,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
///
/// ```
/// assert_eq!(verbatim::diagnostic::line_col("ab\ncd", 4), (2, 2));
/// assert_eq!(verbatim::diagnostic::line_col("ab", 99), (1, 3));
/// ```
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
