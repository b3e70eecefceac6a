//! Shared helpers for integration tests.
//!
//! Include from an integration test with `mod support;`. The [`synapse`]
//! module runs a real Synapse homeserver (installed by `scripts/test`).

pub mod knowledge_copy;
pub mod synapse;
