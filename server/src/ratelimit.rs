//! Per-application token buckets in memory: at the 07:00 rush one applicant's retry loop must
//! not crowd out the others. Real time (not the injectable clock): this is about load.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 200_000;

impl RateLimiter {
    /// Up to `burst` requests at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> RateLimiter {
        RateLimiter { burst: f64::from(burst), per_second, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `key`; `Err(seconds)` to wait when there is none.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket { tokens: self.burst, updated: now });
        let refill = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait() {
        let limiter = RateLimiter::new(3, 0.5);
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert_eq!(limiter.check("a"), Err(2));
        assert!(limiter.check("b").is_ok());
    }
}
