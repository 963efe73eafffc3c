//! Application numbers, claim tokens and hashes.
//!
//! - The application number is 12 random decimal digits and a Luhn check digit: pseudonymous
//!   (never derived from an IIN), not enumerable (10^12 possibilities for a few million
//!   applications), typo-detecting when read out over the phone, and 13 digits long so it can
//!   never be mistaken for an IIN (12 digits; the public log refuses IIN-shaped numbers).
//! - The claim token is 32 random bytes per application, for API clients (the page uses the
//!   signed-in session). The database keeps only SHA-256(token), so a copy of the database lets
//!   nobody act for an applicant; a retried submission gets the same token back only through
//!   its own Idempotency-Key ([`seal_token`]). A token can be rotated.
//! - Keyed hashes of IINs ([`TokenSecret::keyed_hash`]) find a child's or an applicant's
//!   applications without storing the IIN in a lookup column.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes)
}

/// A uniformly random number below `bound` (rejection sampling, so no modulo bias).
pub fn random_below(bound: u64) -> Result<u64, getrandom::Error> {
    let zone = u64::MAX - u64::MAX % bound;
    loop {
        let n = u64::from_le_bytes(random_bytes::<8>()?);
        if n < zone {
            return Ok(n % bound);
        }
    }
}

/// The Luhn check digit for `digits` (the digit to append).
pub fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// True when `text` is 13 digits whose last is the Luhn check digit of the first 12.
pub fn is_application_number(text: &str) -> bool {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    text.len() == NUMBER_DIGITS && digits.len() == NUMBER_DIGITS && luhn_check_digit(&digits[..NUMBER_DIGITS - 1]) == digits[NUMBER_DIGITS - 1]
}

/// A fresh random application number (uniqueness is enforced by the primary key; the caller
/// draws again on the rare collision).
/// Digits in an application number, the check digit included.
pub const NUMBER_DIGITS: usize = 13;

pub fn new_application_number() -> Result<String, getrandom::Error> {
    let mut digits = Vec::with_capacity(NUMBER_DIGITS);
    // The first digit is never 0, so the number never loses a digit in a spreadsheet.
    digits.push(1 + random_below(9)? as u8);
    for _ in 0..NUMBER_DIGITS - 2 {
        digits.push(random_below(10)? as u8);
    }
    digits.push(luhn_check_digit(&digits));
    Ok(digits.iter().map(|d| char::from(b'0' + d)).collect())
}

/// The server's lookup key: keyed hashes of IINs (so the database finds a child's or an
/// applicant's applications without holding the IIN in clear, rule 17 and "my applications").
/// Nothing else derives from it: claim tokens and the log's commitment salts are random per
/// application and stored (hashed where a secret), so this key's only job is lookups.
#[derive(Clone)]
pub struct TokenSecret([u8; 32]);

impl TokenSecret {
    pub fn from_bytes(bytes: [u8; 32]) -> TokenSecret {
        TokenSecret(bytes)
    }

    /// Reads the key from `path` (64 hex characters), creating it with fresh random bytes
    /// (mode 0600) when the file does not exist yet.
    pub fn load_or_create(path: &Path) -> std::io::Result<TokenSecret> {
        load_or_create_seed(path).map(TokenSecret)
    }

    /// HMAC-SHA256(key, `purpose:value`) in hex: the lookup form of `value` (an IIN).
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail for 32 bytes.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes any key length"),
        };
        mac.update(b"kezek lookup v1:");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The key of the personal data at rest (issue 15): the normalised Appendix 1 application
/// (names, IINs, address, contacts) is stored sealed with XChaCha20-Poly1305 under this key,
/// kept in its own file beside the log's signing key (mode 0600), never in the database. A copy
/// of the database alone reveals no person; lookups go by keyed hashes ([`TokenSecret`]).
///
/// Sealed text is `x1:` and the hex of a random 24-byte nonce followed by the ciphertext and
/// its tag. The application number is the associated data, so a sealed form copied onto
/// another application does not open there.
#[derive(Clone)]
pub struct DataKey(chacha20poly1305::XChaCha20Poly1305);

/// What [`DataKey::open`] could not open: altered, another application's, or another key's.
#[derive(Debug, PartialEq, Eq)]
pub struct Unopenable;

/// [`DataKey::seal`] failed: no random nonce from the operating system.
#[derive(Debug)]
pub struct SealFailed;

const SEALED_PREFIX: &str = "x1:";

impl DataKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        use chacha20poly1305::KeyInit;
        DataKey(chacha20poly1305::XChaCha20Poly1305::new(&bytes.into()))
    }

    /// Reads the key from `path` (64 hex characters), creating it (mode 0600) when missing.
    pub fn load_or_create(path: &Path) -> std::io::Result<DataKey> {
        load_or_create_seed(path).map(DataKey::from_bytes)
    }

    /// `plain` sealed for application `number`.
    pub fn seal(&self, number: &str, plain: &str) -> Result<String, SealFailed> {
        use chacha20poly1305::aead::{Aead, Payload};
        let nonce = random_bytes::<24>().map_err(|_| SealFailed)?;
        let payload = Payload { msg: plain.as_bytes(), aad: number.as_bytes() };
        let sealed = self.0.encrypt(&nonce.into(), payload).map_err(|_| SealFailed)?;
        let mut text = String::with_capacity(SEALED_PREFIX.len() + 2 * (nonce.len() + sealed.len()));
        text.push_str(SEALED_PREFIX);
        text.push_str(&hex::encode(nonce));
        text.push_str(&hex::encode(sealed));
        Ok(text)
    }

    /// Opens what [`DataKey::seal`] sealed for `number`. Empty text (erased after the retention
    /// period) opens as empty.
    pub fn open(&self, number: &str, sealed: &str) -> Result<String, Unopenable> {
        use chacha20poly1305::aead::{Aead, Payload};
        if sealed.is_empty() {
            return Ok(String::new());
        }
        let bytes = sealed.strip_prefix(SEALED_PREFIX).and_then(|h| hex::decode(h).ok()).ok_or(Unopenable)?;
        if bytes.len() < 24 {
            return Err(Unopenable);
        }
        let (nonce, message) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| Unopenable)?;
        let plain = self.0.decrypt(&nonce.into(), Payload { msg: message, aad: number.as_bytes() }).map_err(|_| Unopenable)?;
        String::from_utf8(plain).map_err(|_| Unopenable)
    }
}

/// A fresh claim token: 32 random bytes in hex. The database keeps only its SHA-256.
pub fn new_token() -> Result<String, getrandom::Error> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// Seals a 64-hex-character token with an idempotency key: XOR with SHA-256 of the key, so only
/// a client that still holds the key (the database keeps only its hash) reads the token back
/// when it retries a submission whose answer it lost.
pub fn seal_token(token: &str, idempotency_key: &str) -> Option<String> {
    let bytes = hex::decode(token).ok().filter(|b| b.len() == 32)?;
    let pad = Sha256::digest([b"kezek token seal v1:".as_slice(), idempotency_key.as_bytes()].concat());
    Some(hex::encode(bytes.iter().zip(pad.iter()).map(|(a, b)| a ^ b).collect::<Vec<u8>>()))
}

/// Opens [`seal_token`] (the same operation).
pub fn open_token(sealed: &str, idempotency_key: &str) -> Option<String> {
    seal_token(sealed, idempotency_key)
}

/// Reads 32 secret bytes from `path` (64 hex characters), creating the file with fresh random
/// bytes (mode 0600) when it does not exist yet. Used for the token secret and the log key.
pub fn load_or_create_seed(path: &Path) -> std::io::Result<[u8; 32]> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let bytes = hex::decode(text.trim()).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        return bytes
            .try_into()
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "secret must be 32 bytes"));
    }
    let bytes = random_bytes::<32>().map_err(|e| std::io::Error::other(e.to_string()))?;
    write_private(path, &hex::encode(bytes))?;
    Ok(bytes)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_a_valid_check_digit() {
        for _ in 0..100 {
            let number = new_application_number().unwrap();
            assert!(is_application_number(&number), "{number}");
        }
        assert!(!is_application_number("79927398713"));
        // 7992739871 with Luhn digit 3 is the textbook example; pad to 11 digits first.
        let digits = [0, 7, 9, 9, 2, 7, 3, 9, 8, 7, 1];
        assert_eq!(luhn_check_digit(&digits), 3);
    }

    #[test]
    fn tokens_are_random_and_open_only_with_their_idempotency_key() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        let sealed = seal_token(&a, "key-1").unwrap();
        assert_ne!(sealed, a);
        assert_eq!(open_token(&sealed, "key-1").as_deref(), Some(a.as_str()));
        assert_ne!(open_token(&sealed, "key-2").as_deref(), Some(a.as_str()));
    }

    #[test]
    fn sealed_personal_data_opens_only_with_its_key_and_its_application() {
        let key = DataKey::from_bytes([7; 32]);
        let plain = r#"{"child":{"iin":"200229600006"}}"#;
        let sealed = key.seal("1000000000009", plain).unwrap();
        assert!(sealed.starts_with("x1:") && !sealed.contains("200229600006"));
        assert_ne!(sealed, key.seal("1000000000009", plain).unwrap(), "a fresh nonce every time");
        assert_eq!(key.open("1000000000009", &sealed).as_deref(), Ok(plain));
        assert_eq!(key.open("1000000000017", &sealed), Err(Unopenable), "another application's");
        assert_eq!(DataKey::from_bytes([8; 32]).open("1000000000009", &sealed), Err(Unopenable), "another key");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.open("1000000000009", std::str::from_utf8(&altered).unwrap()), Err(Unopenable), "altered");
        assert_eq!(key.open("1000000000009", plain), Err(Unopenable), "plain text is not sealed text");
        assert_eq!(key.open("1000000000009", "").as_deref(), Ok(""), "erased");
    }

    #[test]
    fn keyed_hashes_depend_on_key_purpose_and_value() {
        let a = TokenSecret::from_bytes([1; 32]);
        let b = TokenSecret::from_bytes([2; 32]);
        assert_eq!(a.keyed_hash("child", "200229600006"), a.keyed_hash("child", "200229600006"));
        assert_ne!(a.keyed_hash("child", "200229600006"), a.keyed_hash("applicant", "200229600006"));
        assert_ne!(a.keyed_hash("child", "200229600006"), b.keyed_hash("child", "200229600006"));
    }
}
