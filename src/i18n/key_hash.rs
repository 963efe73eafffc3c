//! The hash of a catalog key, shared by the crate and its build script (`build.rs` includes this
//! file): FNV-1a, 32 bits. Short keys, no attacker, fast in WebAssembly.
//!
//! A catalog document lists its texts in the order of the keys (`KEY_HASHES`); the package
//! carries the keys' hashes, not the keys (a few hundred bytes instead of 1.6 KB gzip). The build
//! fails if two keys share a hash. A string that is no key but has a key's hash would read that
//! key's text: with 32 bits and a few hundred keys, about one chance in ten million per string.

/// FNV-1a of `key`.
pub const fn key_hash(key: &str) -> u32 {
    let bytes = key.as_bytes();
    let mut h = 0x811C_9DC5_u32;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u32).wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}
