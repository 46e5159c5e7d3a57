//! Throttling of sign-in and other secret checks, per account and per client address:
//! attempts are counted in a sliding window (a success is forgiven); past the limit, the
//! check is refused with the time to wait.

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

    /// Count an attempt for `key`, or refuse it with the seconds to wait when `max` attempts
    /// are already in the window. Checking and counting happen under one lock, so parallel
    /// requests cannot all slip through before any of them is counted.
    pub fn begin(&self, key: &str, max: u32, now: i64) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            let horizon = now - self.window_ms;
            map.retain(|_, v| v.iter().any(|t| *t > horizon));
        }
        let list = map.entry(key.to_string()).or_default();
        list.retain(|t| *t > now - self.window_ms);
        if list.len() >= max as usize {
            let oldest = list.iter().copied().min().unwrap_or(now);
            let wait = (oldest + self.window_ms - now).max(1000);
            return Err((wait as u64).div_ceil(1000));
        }
        list.push(now);
        Ok(())
    }

    /// Forget the latest attempt of `key`: a success is not held against it.
    pub fn forgive_one(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(list) = map.get_mut(key) {
            list.pop();
        }
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
            assert_eq!(t.begin("a", 3, i), Ok(()));
        }
        assert_eq!(t.begin("a", 3, 10), Err(60));
        assert_eq!(t.begin("b", 3, 10), Ok(()));
        t.forgive_one("a");
        assert_eq!(t.begin("a", 3, 11), Ok(()));
        assert_eq!(t.begin("a", 3, 60_001), Ok(()));
        t.clear("a");
        assert_eq!(t.begin("a", 1, 60_002), Ok(()));
    }

    #[test]
    fn parallel_attempts_are_all_counted() {
        let t = std::sync::Arc::new(Throttle::new(60));
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || t.begin("k", 5, 0).is_ok())
            })
            .collect();
        let passed = handles
            .into_iter()
            .map(|h| h.join().unwrap_or(false))
            .filter(|ok| *ok)
            .count();
        assert_eq!(passed, 5);
    }
}
