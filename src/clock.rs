//! Time comes from a clock in the app state, so tests can move it (session timeouts, throttling
//! windows, expiring links) without sleeping.

use std::sync::Mutex;

use chrono::{NaiveDateTime, TimeDelta, Utc};

pub trait Clock: Send + Sync {
    /// The current UTC time.
    fn now(&self) -> NaiveDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc()
    }
}

/// A clock that stands still until moved.
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    pub fn new(start: NaiveDateTime) -> Self {
        ManualClock(Mutex::new(start))
    }

    pub fn starting_now() -> Self {
        Self::new(Utc::now().naive_utc())
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
