//! Token buckets in memory, bounded: at the 07:00 rush one applicant's retry loop, one
//! address's script or one junk-key flood must not crowd out the others, nor grow the server.
//!
//! | limit | subject | default | flag |
//! | --- | --- | --- | --- |
//! | [`Limit::Application`] | an application number, every authenticated request | `20/4s` | `--limit-application` |
//! | [`Limit::FailedAuth`] | an application number, requests with a wrong token | `20/4s` | (as above) |
//! | [`Limit::WriteIp`] | a client address, every write (POST …) | `600/min` | `--limit-write-ip` |
//! | [`Limit::SubmitIp`] | a client address, submissions | `30/min` | `--limit-submit-ip` |
//! | [`Limit::SubmitApplicant`] | the applicant's IIN, submissions | `10/h` | `--limit-submit-applicant` |
//!
//! A rate `N/P` is a bucket of `N` tokens refilled at `N` per period `P` (`s`, `min`, `h`, with
//! an optional count: `20/4s` is a burst of 20 refilled at 5 a second).
//!
//! **Fixed-size keys.** A subject is never stored: its key is 16 bytes of HMAC-SHA256 under a
//! random per-process key, with the limit's name in the input. So a 64 KiB "application
//! number" costs 16 bytes like any other, an IIN is not kept in memory in clear, and nobody
//! can choose subjects that collide.
//!
//! **Fixed memory.** Each limit keeps at most `capacity` keys (`--limiter-capacity`, default
//! 100 000) in two generations of `capacity / 2`: a key is looked up in the current generation,
//! then the previous one (and moved up); when the current generation is full, the previous one
//! is dropped and the current becomes the previous. The keys dropped are those not used for
//! a whole generation (least recently used, approximately); their holders start again from a
//! full bucket, which only someone who can send `capacity / 2` requests from other subjects in
//! between could exploit, and the address limits stand in their way. Memory after warm-up is
//! constant: the maps are cleared, not reallocated.
//!
//! Real time (not the injectable clock): this is about load.
//!
//! ```
//! use kezek_server::ratelimit::{Limit, Limiters, Limits};
//! let limits = Limits { submit_ip: "2/min".parse().unwrap(), ..Limits::default() };
//! let limiters = Limiters::new(&limits);
//! assert!(limiters.check(Limit::SubmitIp, b"127.0.0.1").is_ok());
//! assert!(limiters.check(Limit::SubmitIp, b"127.0.0.1").is_ok());
//! assert_eq!(limiters.check(Limit::SubmitIp, b"127.0.0.1"), Err(30));
//! assert!(limiters.check(Limit::SubmitIp, b"127.0.0.2").is_ok());
//! ```

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Instant;

/// A bucket size and its refill rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateSpec {
    pub burst: u32,
    pub per_second: f64,
}

impl RateSpec {
    pub const fn new(burst: u32, per_second: f64) -> RateSpec {
        RateSpec { burst, per_second }
    }
}

impl FromStr for RateSpec {
    type Err = String;

    /// `N/s`, `N/min`, `N/h`, or with a count of periods: `20/4s`, `100/10min`.
    fn from_str(text: &str) -> Result<RateSpec, String> {
        let error = || format!("{text}: a rate is N/PERIOD, e.g. 30/min, 20/4s or 10/h");
        let (count, period) = text.split_once('/').ok_or_else(error)?;
        let burst: u32 = count.trim().parse().map_err(|_| error())?;
        let period = period.trim();
        let digits = period.bytes().take_while(u8::is_ascii_digit).count();
        let times: f64 = if digits == 0 { 1.0 } else { period[..digits].parse::<u32>().map_err(|_| error())?.into() };
        let unit_seconds = match &period[digits..] {
            "s" => 1.0,
            "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(error()),
        };
        if burst == 0 || times == 0.0 {
            return Err(error());
        }
        Ok(RateSpec { burst, per_second: f64::from(burst) / (times * unit_seconds) })
    }
}

/// The limits the server applies (see the module table).
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    pub application: RateSpec,
    pub write_ip: RateSpec,
    pub submit_ip: RateSpec,
    pub submit_applicant: RateSpec,
    /// Keys kept per limit.
    pub capacity: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // A person clicks a few times a second at most; a retry loop gets slowed down.
            application: RateSpec::new(20, 5.0),
            // An office behind one address (a public service centre) at the 07:00 rush.
            write_ip: RateSpec::new(600, 10.0),
            // 200 submissions in 0.7 s from one address were all accepted before.
            submit_ip: RateSpec::new(30, 0.5),
            // A parent submits for each child, perhaps again after a mistake; not 10 an hour.
            submit_applicant: RateSpec::new(10, 10.0 / 3600.0),
            capacity: 100_000,
        }
    }
}

/// Which limit a check counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Application,
    FailedAuth,
    WriteIp,
    SubmitIp,
    SubmitApplicant,
}

impl Limit {
    /// Stable names, for metrics and logs.
    pub const ALL: [Limit; 5] = [Limit::Application, Limit::FailedAuth, Limit::WriteIp, Limit::SubmitIp, Limit::SubmitApplicant];

    pub fn code(self) -> &'static str {
        match self {
            Limit::Application => "application",
            Limit::FailedAuth => "failed_auth",
            Limit::WriteIp => "write_ip",
            Limit::SubmitIp => "submit_ip",
            Limit::SubmitApplicant => "submit_applicant",
        }
    }
}

/// All limits of one server.
pub struct Limiters {
    key: [u8; 32],
    application: RateLimiter,
    failed_auth: RateLimiter,
    write_ip: RateLimiter,
    submit_ip: RateLimiter,
    submit_applicant: RateLimiter,
}

impl Limiters {
    pub fn new(limits: &Limits) -> Limiters {
        // Without OS randomness keys are still fixed-size; only collisions become choosable.
        let key = crate::secrets::random_bytes::<32>().unwrap_or([0x5a; 32]);
        let limiter = |spec: RateSpec| RateLimiter::new(spec, limits.capacity);
        Limiters {
            key,
            application: limiter(limits.application),
            failed_auth: limiter(limits.application),
            write_ip: limiter(limits.write_ip),
            submit_ip: limiter(limits.submit_ip),
            submit_applicant: limiter(limits.submit_applicant),
        }
    }

    fn limiter(&self, limit: Limit) -> &RateLimiter {
        match limit {
            Limit::Application => &self.application,
            Limit::FailedAuth => &self.failed_auth,
            Limit::WriteIp => &self.write_ip,
            Limit::SubmitIp => &self.submit_ip,
            Limit::SubmitApplicant => &self.submit_applicant,
        }
    }

    /// Takes one token of `limit` for `subject`; `Err(seconds)` to wait when there is none.
    pub fn check(&self, limit: Limit, subject: &[u8]) -> Result<(), u64> {
        self.limiter(limit).check(self.key_of(limit, subject))
    }

    /// Keys currently held by `limit` (for metrics and tests).
    pub fn keys(&self, limit: Limit) -> usize {
        self.limiter(limit).len()
    }

    fn key_of(&self, limit: Limit, subject: &[u8]) -> Key {
        // HMAC takes keys of any length, so `new_from_slice` cannot fail for 32 bytes.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else { return Key([0; 16]) };
        mac.update(limit.code().as_bytes());
        mac.update(b":");
        mac.update(subject);
        let digest = mac.finalize().into_bytes();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        Key(key)
    }
}

/// A subject's fixed-size key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key([u8; 16]);

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// One limit: buckets in two bounded generations (see the module docs).
pub struct RateLimiter {
    spec: RateSpec,
    generation_size: usize,
    generations: Mutex<Generations>,
}

struct Generations {
    current: HashMap<Key, Bucket>,
    previous: HashMap<Key, Bucket>,
}

impl RateLimiter {
    /// Up to `spec.burst` requests at once, refilled at `spec.per_second`; at most `capacity`
    /// keys (at least 2).
    pub fn new(spec: RateSpec, capacity: usize) -> RateLimiter {
        let generation_size = (capacity / 2).max(1);
        let generations = Generations { current: HashMap::new(), previous: HashMap::new() };
        RateLimiter { spec, generation_size, generations: Mutex::new(generations) }
    }

    fn check(&self, key: Key) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// `check` at `now` (the tests give the time, so their waits are exact).
    fn check_at(&self, key: Key, now: Instant) -> Result<(), u64> {
        let burst = f64::from(self.spec.burst);
        let mut generations = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        let Generations { current, previous } = &mut *generations;
        let mut bucket = match current.get(&key) {
            Some(bucket) => *bucket,
            None => {
                let found = previous.remove(&key);
                if current.len() >= self.generation_size {
                    std::mem::swap(current, previous);
                    current.clear();
                }
                found.unwrap_or(Bucket { tokens: burst, updated: now })
            }
        };
        let refill = now.duration_since(bucket.updated).as_secs_f64() * self.spec.per_second;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.updated = now;
        let answer = if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.spec.per_second).ceil().clamp(1.0, 86_400.0) as u64)
        };
        current.insert(key, bucket);
        answer
    }

    fn len(&self) -> usize {
        let generations = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        generations.current.len() + generations.previous.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(burst: u32, per_second: f64, capacity: usize) -> (RateLimiter, impl Fn(&str) -> Key) {
        (RateLimiter::new(RateSpec::new(burst, per_second), capacity), |s: &str| {
            let mut key = [0u8; 16];
            let bytes = crate::secrets::sha256_hex(s.as_bytes());
            key.copy_from_slice(&bytes.as_bytes()[..16]);
            Key(key)
        })
    }

    #[test]
    fn a_burst_then_a_wait() {
        let (limiter, key) = limiter(3, 0.5, 100);
        let start = Instant::now();
        let at = |seconds: f64| start + std::time::Duration::from_secs_f64(seconds);
        assert!(limiter.check_at(key("a"), at(0.0)).is_ok());
        assert!(limiter.check_at(key("a"), at(0.0)).is_ok());
        assert!(limiter.check_at(key("a"), at(0.0)).is_ok());
        assert_eq!(limiter.check_at(key("a"), at(0.0)), Err(2), "one token comes back in 2 s");
        assert_eq!(limiter.check_at(key("a"), at(1.5)), Err(1), "three quarters of it by now");
        assert!(limiter.check_at(key("b"), at(1.5)).is_ok(), "another subject has its own burst");
        assert!(limiter.check_at(key("a"), at(2.0)).is_ok(), "the token is back");
        assert!(limiter.check_at(key("a"), at(2.0)).is_err(), "and only one");
    }

    #[test]
    fn junk_keys_never_hold_more_than_the_capacity() {
        let (limiter, key) = limiter(3, 0.5, 1000);
        for i in 0..100_000 {
            let _ = limiter.check(key(&format!("junk-{i}")));
            assert!(limiter.len() <= 1000);
        }
        assert!(limiter.len() >= 500, "the current generation is in use");
    }

    #[test]
    fn a_key_in_use_survives_a_flood_of_one_generation() {
        let (limiter, key) = limiter(2, 0.001, 10);
        limiter.check(key("busy")).unwrap();
        limiter.check(key("busy")).unwrap();
        for i in 0..8 {
            let _ = limiter.check(key(&format!("other-{i}")));
        }
        assert!(limiter.check(key("busy")).is_err(), "still limited: it moved up, not out");
    }

    #[test]
    fn subjects_of_any_length_take_sixteen_bytes_under_a_limit_of_their_own() {
        let limiters = Limiters::new(&Limits { capacity: 10, ..Limits::default() });
        let long = vec![b'9'; 64 * 1024];
        assert_eq!(limiters.key_of(Limit::Application, &long).0.len(), 16);
        assert_ne!(limiters.key_of(Limit::Application, b"1"), limiters.key_of(Limit::FailedAuth, b"1"));
    }

    #[test]
    fn rates_read_as_a_burst_per_period() {
        assert_eq!("30/min".parse(), Ok(RateSpec::new(30, 0.5)));
        assert_eq!("20/4s".parse(), Ok(RateSpec::new(20, 5.0)));
        assert_eq!("10/h".parse::<RateSpec>().map(|r| r.burst), Ok(10));
        for bad in ["", "30", "0/s", "30/0s", "30/day", "x/s", "-1/s"] {
            assert!(bad.parse::<RateSpec>().is_err(), "{bad}");
        }
    }
}
