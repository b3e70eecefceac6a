//! An error and its causes in one short line, for logs and the command line.
//!
//! Library errors nest: matrix-sdk's "error sending request for url (…)" wraps hyper's "client error
//! (Connect)", which wraps "tcp connect error: Connection refused (os error 111)", which wraps
//! "Connection refused (os error 111)". Printing only the outer one hides the cause (connection refused,
//! timeout, TLS); printing every level with `{:#}` repeats the same words, because many wrappers are
//! transparent or quote their source. [`brief`] walks [`source`](std::error::Error::source) and keeps a level
//! only when it says something the levels above it did not.

use std::error::Error;

/// `error` and each of its causes that adds something, joined by `": "`.
///
/// ```
/// #[derive(Debug)]
/// struct E(&'static str, Option<Box<E>>);
/// impl std::fmt::Display for E {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.0) }
/// }
/// impl std::error::Error for E {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         self.1.as_deref().map(|e| e as _)
///     }
/// }
/// let refused = E("Connection refused (os error 111)", None);
/// let tcp = E("tcp connect error: Connection refused (os error 111)", Some(Box::new(refused)));
/// let outer = E("error sending request for url (http://hs/)", Some(Box::new(tcp)));
/// assert_eq!(
///     verbatim::errors::brief(&outer),
///     "error sending request for url (http://hs/): tcp connect error: Connection refused (os error 111)"
/// );
/// ```
pub fn brief(error: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text)) {
            parts.push(text.to_string());
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(String, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    fn chain(levels: &[&str]) -> Layer {
        levels
            .iter()
            .rev()
            .fold(None, |inner, text| {
                Some(Layer(text.to_string(), inner.map(Box::new)))
            })
            .unwrap()
    }

    #[test]
    fn transparent_and_quoting_levels_are_said_once() {
        let e = chain(&[
            "error sending request for url (http://127.0.0.1:9/_matrix/client/v3/sync)",
            "error sending request for url (http://127.0.0.1:9/_matrix/client/v3/sync)",
            "client error (Connect)",
            "tcp connect error: Connection refused (os error 111)",
            "Connection refused (os error 111)",
        ]);
        assert_eq!(
            brief(&e),
            "error sending request for url (http://127.0.0.1:9/_matrix/client/v3/sync): client error (Connect): \
             tcp connect error: Connection refused (os error 111)"
        );
    }

    #[test]
    fn a_lone_error_is_itself_and_empty_levels_are_dropped() {
        assert_eq!(brief(&chain(&["timed out"])), "timed out");
        assert_eq!(brief(&chain(&["outer", " ", "inner"])), "outer: inner");
    }

    #[test]
    fn anyhow_contexts_are_levels_too() {
        let e = anyhow::anyhow!("aead::Error")
            .context("Error encrypting or decrypting a value: `aead::Error`")
            .context("opening the store");
        assert_eq!(
            brief(e.as_ref()),
            "opening the store: Error encrypting or decrypting a value: `aead::Error`"
        );
    }
}
