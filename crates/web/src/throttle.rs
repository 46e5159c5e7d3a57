//! Sign-in throttling per account and per client address: failures are counted in a sliding
//! window; past the limit, sign-in is refused with the time to wait.

use std::collections::HashMap;
use std::sync::Mutex;

pub struct Throttle {
    window_ms: i64,
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    pub fn new(window_secs: i64) -> Self {
        Throttle {
            window_ms: window_secs * 1000,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when `key` already has `max` failures in the window, else None.
    pub fn check(&self, key: &str, max: u32, now: i64) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = map.get_mut(key)?;
        list.retain(|t| *t > now - self.window_ms);
        if list.len() >= max as usize {
            let oldest = list.iter().copied().min().unwrap_or(now);
            let wait = (oldest + self.window_ms - now).max(1000);
            Some((wait as u64).div_ceil(1000))
        } else {
            None
        }
    }

    pub fn fail(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            let horizon = now - self.window_ms;
            map.retain(|_, v| v.iter().any(|t| *t > horizon));
        }
        map.entry(key.to_string()).or_default().push(now);
    }

    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_after_max_and_recovers() {
        let t = Throttle::new(60);
        for i in 0..3 {
            assert_eq!(t.check("a", 3, i), None);
            t.fail("a", i);
        }
        assert_eq!(t.check("a", 3, 10), Some(60));
        assert_eq!(t.check("a", 3, 60_001), None);
        assert_eq!(t.check("b", 3, 10), None);
    }
}
