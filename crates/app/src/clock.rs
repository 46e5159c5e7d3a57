//! The time use cases judge by: the system clock, behind a trait so that a context can be
//! given another.

/// Unix milliseconds now.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        mamori_store::now_ms()
    }
}
