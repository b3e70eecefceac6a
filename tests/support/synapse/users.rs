//! Users on the test homeserver: shared-secret registration and logged-in
//! matrix-sdk clients.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use rand::Rng;
use sha1::Sha1;

use super::Synapse;

/// A user registered on the test homeserver.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Full Matrix user id, e.g. `@alice-123-0-abc:localhost`.
    pub user_id: String,
    /// The user's password.
    pub password: String,
    /// The localpart of [`TestUser::user_id`].
    pub localpart: String,
}

impl Synapse {
    /// Registers a fresh user `<prefix>-<pid>-<n>-<random>` (not an admin)
    /// through the shared-secret admin API.
    pub async fn register(&self, localpart_prefix: &str) -> TestUser {
        let localpart = unique_localpart(localpart_prefix);
        let password = format!("pw-{}", random_token(20));
        let url = format!("{}/_synapse/admin/v1/register", self.base_url());
        let http = reqwest::Client::new();
        let nonce: serde_json::Value = http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("GET register nonce")
            .json()
            .await
            .expect("register nonce JSON");
        let nonce = nonce["nonce"]
            .as_str()
            .expect("nonce in response")
            .to_owned();

        let mut mac = Hmac::<Sha1>::new_from_slice(self.shared_secret.as_bytes()).expect("HMAC");
        for part in [nonce.as_str(), &localpart, &password] {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        mac.update(b"notadmin");
        let mac = hex::encode(mac.finalize().into_bytes());

        let body = serde_json::json!({
            "nonce": nonce, "username": localpart, "password": password,
            "admin": false, "mac": mac,
        });
        let response = http
            .post(&url)
            .json(&body)
            .send()
            .await
            .expect("POST register");
        let status = response.status();
        let reply: serde_json::Value = response.json().await.expect("register reply JSON");
        assert!(
            status.is_success(),
            "registering {localpart} failed: {status} {reply}"
        );
        let user_id = reply["user_id"]
            .as_str()
            .expect("user_id in reply")
            .to_owned();
        assert_eq!(user_id, format!("@{localpart}:{}", self.server_name()));
        TestUser {
            user_id,
            password,
            localpart,
        }
    }

    /// A matrix-sdk client with an SQLite store in `store_dir`, logged in as `user`.
    pub async fn login_client(&self, user: &TestUser, store_dir: &Path) -> matrix_sdk::Client {
        let client = matrix_sdk::Client::builder()
            .homeserver_url(self.base_url())
            .sqlite_store(store_dir, None)
            .build()
            .await
            .unwrap_or_else(|e| panic!("build client for {}: {e}", user.user_id));
        client
            .matrix_auth()
            .login_username(&user.user_id, &user.password)
            .initial_device_display_name("verbatim test")
            .send()
            .await
            .unwrap_or_else(|e| panic!("log in {}: {e}", user.user_id));
        client
    }
}

pub(super) fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `<prefix>-<pid>-<counter>-<random>`, lowercased, invalid chars replaced by `_`.
fn unique_localpart(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let suffix = random_token(6).to_lowercase();
    let prefix: String = prefix
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._=-/".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{}-{n}-{suffix}", std::process::id())
}
