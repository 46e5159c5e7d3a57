//! Throttling of sign-in and other secret checks, per account and per client address:
//! attempts are counted in a sliding window (a success is forgiven); past the limit, the
//! check is refused with the time to wait. The count lives in the database
//! (`ThrottleStore`), so a restart or a second server process does not reset it; keys are
//! stored as their SHA-256 (no e-mail address or client address is kept there).

use crate::error::{Error, Result};
use mamori_store::Store;
use std::sync::Arc;

pub struct Throttle {
    window_ms: i64,
    store: Arc<dyn Store>,
}

fn key_hash(key: &str) -> String {
    crate::credentials::sha256_hex(key)
}

impl Throttle {
    pub fn new(store: Arc<dyn Store>, window_secs: i64) -> Self {
        Throttle {
            window_ms: window_secs * 1000,
            store,
        }
    }

    /// Count an attempt for `key`, or refuse it (`Error::Throttled` with the seconds to
    /// wait) when `max` attempts are already in the window. Checking and counting are one
    /// transaction, so parallel requests cannot all slip through.
    pub async fn begin(&self, key: &str, max: u32, now: i64) -> Result<()> {
        self.store
            .throttle_attempt(&key_hash(key), max, self.window_ms, now)
            .await?
            .map_err(|wait| Error::Throttled {
                retry_after_secs: wait,
            })
    }

    /// Forget the latest attempt of `key`: a success is not held against it.
    pub async fn forgive_one(&self, key: &str) -> Result<()> {
        Ok(self.store.throttle_forgive_one(&key_hash(key)).await?)
    }

    pub async fn clear(&self, key: &str) -> Result<()> {
        Ok(self.store.throttle_clear(&key_hash(key)).await?)
    }
}
