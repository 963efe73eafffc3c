//! Checkpoints (C2SP tlog-checkpoint) in signed notes (C2SP signed-note) with Ed25519 keys.
//!
//! A checkpoint body is `<origin>\n<size>\n<base64 root>\n` plus optional non-empty extension
//! lines. A signed note is the body, a blank line, then signature lines
//! `— <key name> <base64(key ID (4 bytes, big-endian) || Ed25519 signature (64 bytes))>`.
//! The key ID of an Ed25519 key is the first 4 bytes of
//! SHA-256(key name || 0x0A || 0x01 || 32-byte public key). A verifier key is written
//! `<name>+<8 hex digits of key ID>+<base64(0x01 || public key)>` (the `vkey` format).
//!
//! Verification follows the signed-note rules: signatures by other keys are ignored (they may
//! be witnesses' cosignatures), a signature by the pinned key (same name and key ID) must
//! verify, and at least one must be present. Ed25519 verification is strict (no small-order
//! keys or `R`, no malleable signatures: `S` below the group order).
//!
//! What is signed and which signatures must verify is decided here, on every target; only the
//! Ed25519 equation itself is an [`Ed25519`] primitive. Natively (the server, tests) it is
//! ed25519-dalek's `verify_strict` ([`Dalek`]). In the browser package it is WebCrypto
//! (`crypto.subtle.verify("Ed25519", …)`, Chromium 137+, Firefox 129+, Safari 17+, Node 20+),
//! which spares the package the curve arithmetic: the wasm layer asks the core which
//! signatures it needs ([`Questions`]), has WebCrypto check them, and runs the check again
//! with the results ([`Answers`]). A signature never asked is never taken as valid.

use std::cell::RefCell;

use super::base64;
use super::hash::{sha256, Hash};
use super::TlogError;
use ed25519_dalek::{Signer as _, SigningKey};

/// Longest note accepted (a checkpoint with many cosignatures is well under 4 KB).
pub const MAX_NOTE_LEN: usize = 16 * 1024;
/// Most signature lines accepted (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 32;
/// Signature type byte of Ed25519 in signed notes.
const ED25519: u8 = 0x01;

/// A log's state: its origin (name), number of entries and root hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root_hash: Hash,
    /// Extension lines, without their newlines (not recommended; kept for completeness).
    pub extensions: Vec<String>,
}

fn format_err(detail: impl Into<String>) -> TlogError {
    TlogError::Format(detail.into())
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: &str, size: u64, root_hash: Hash) -> Checkpoint {
        Checkpoint { origin: origin.to_owned(), size, root_hash, extensions: Vec::new() }
    }

    /// The note text (body) of the checkpoint, ending in a newline.
    pub fn to_body(&self) -> String {
        let mut body = format!("{}\n{}\n{}\n", self.origin, self.size, base64::encode(&self.root_hash));
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Reads a checkpoint body (the note text, ending in a newline).
    pub fn parse_body(body: &str) -> Result<Checkpoint, TlogError> {
        let Some(lines) = body.strip_suffix('\n') else { return Err(format_err("the checkpoint must end in a newline")) };
        let lines: Vec<&str> = lines.split('\n').collect();
        if lines.len() < 3 {
            return Err(format_err("a checkpoint has at least three lines: origin, size and root hash"));
        }
        if lines.iter().any(|l| l.is_empty()) {
            return Err(format_err("a checkpoint line is empty"));
        }
        let size = parse_size(lines[1]).ok_or_else(|| format_err("the tree size is not a decimal number without leading zeros"))?;
        let root_hash = base64::decode_hash(lines[2]).ok_or_else(|| format_err("the root hash is not base64 of 32 bytes"))?;
        Ok(Checkpoint {
            origin: lines[0].to_owned(),
            size,
            root_hash,
            extensions: lines[3..].iter().map(|l| (*l).to_owned()).collect(),
        })
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let canonical = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    pub signature: Vec<u8>,
}

/// A signed note split into its text and signatures (not yet verified).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

impl Note {
    /// Splits a signed note. Checks the format only, not the signatures.
    pub fn parse(note: &str) -> Result<Note, TlogError> {
        if note.len() > MAX_NOTE_LEN {
            return Err(format_err(format!("the note is longer than {MAX_NOTE_LEN} bytes")));
        }
        if note.chars().any(|c| c < ' ' && c != '\n') {
            return Err(format_err("the note contains a control character"));
        }
        // The last blank line, found byte by byte and cut with `get`: indexing (`&note[..i]`) or
        // a `&str` pattern (`rfind("\n\n")`, whose searcher can slice for an empty needle) would
        // carry the package's only use of Rust's "not a char boundary" panic message and its
        // formatting: about 5 KB gzip, most of it in the first download (scripts/split.mjs
        // fails the build if it comes back).
        let blank = note.as_bytes().windows(2).rposition(|pair| pair == b"\n\n");
        let (text, sigs) = blank
            .and_then(|i| Some((note.get(..i)?, note.get(i + 2..)?)))
            .ok_or_else(|| format_err("the note has no blank line before its signatures"))?;
        let Some(sigs) = sigs.strip_suffix('\n') else { return Err(format_err("the note must end in a newline")) };
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(format_err(format!("the note has more than {MAX_SIGNATURES} signatures")));
            }
            let rest = line.strip_prefix("— ").ok_or_else(|| format_err("a signature line must start with an em dash and a space"))?;
            let (name, sig) = rest.split_once(' ').ok_or_else(|| format_err("a signature line is `— name signature`"))?;
            if !valid_key_name(name) {
                return Err(format_err("a key name is empty or contains a space or a plus"));
            }
            let bytes = base64::decode(sig).ok_or_else(|| format_err("a signature is not base64"))?;
            if bytes.len() < 5 {
                return Err(format_err("a signature is too short"));
            }
            let key_id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            signatures.push(NoteSignature { name: name.to_owned(), key_id, signature: bytes[4..].to_vec() });
        }
        Ok(Note { text: [text, "\n"].concat(), signatures })
    }
}

/// The key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut data = Vec::with_capacity(name.len() + 34);
    data.extend_from_slice(name.as_bytes());
    data.push(b'\n');
    data.push(ED25519);
    data.extend_from_slice(public_key);
    let h = sha256(&data);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// A pinned Ed25519 note verifier key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key: [u8; 32],
}

impl Verifier {
    /// Reads a verifier key `<name>+<hex key ID>+<base64(0x01 || public key)>`; the key ID
    /// must match the name and key. Errors are `tlog.key`.
    pub fn parse(vkey: &str) -> Result<Verifier, TlogError> {
        let bad = |why: &str| TlogError::Key(why.to_owned());
        let (name, rest) = vkey.split_once('+').ok_or_else(|| bad("a verifier key is name+keyid+key"))?;
        let (id_hex, key64) = rest.split_once('+').ok_or_else(|| bad("a verifier key is name+keyid+key"))?;
        if !valid_key_name(name) {
            return Err(bad("the key name is empty or contains a space"));
        }
        if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("the key ID is not 8 hex digits"));
        }
        let id = u32::from_str_radix(id_hex, 16).map_err(|_| bad("the key ID is not 8 hex digits"))?;
        let key = base64::decode(key64).ok_or_else(|| bad("the key is not base64"))?;
        let (&alg, key) = key.split_first().ok_or_else(|| bad("the key is empty"))?;
        if alg != ED25519 {
            return Err(bad("only Ed25519 keys (type 0x01) are supported"));
        }
        let key: [u8; 32] = key.try_into().map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
        if key_id(name, &key) != id {
            return Err(bad("the key ID does not match the name and key"));
        }
        if small_order(&key) {
            return Err(bad("the key is a small-order point"));
        }
        // Natively the key is also decompressed here; in the browser a key that is no point
        // fails every signature instead (WebCrypto imports 32 bytes without checking them).
        #[cfg(not(target_arch = "wasm32"))]
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| bad("the key is not an Ed25519 point"))?;
        Ok(Verifier { name: name.to_owned(), key_id: id, key })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// Verifies a signed note with the signature primitive `ed25519`: returns its text when a
    /// signature by this key is present and every signature by this key verifies; signatures
    /// by other keys are ignored.
    pub fn verify_note_with(&self, note: &str, ed25519: &dyn Ed25519) -> Result<String, TlogError> {
        let note = Note::parse(note)?;
        let mut verified = false;
        for sig in note.signatures.iter().filter(|s| s.name == self.name && s.key_id == self.key_id) {
            let sig: &[u8; 64] =
                sig.signature.as_slice().try_into().map_err(|_| TlogError::Signature("an Ed25519 signature is 64 bytes".to_owned()))?;
            // Strictness is checked here, not left to the primitive: browsers differ in it.
            if !strict_signature(sig) || !ed25519.verify(&self.key, note.text.as_bytes(), sig) {
                return Err(TlogError::Signature(format!("the signature by {} does not verify", self.name)));
            }
            verified = true;
        }
        if !verified {
            return Err(TlogError::Signature(format!("the note is not signed by {}", self.name)));
        }
        Ok(note.text)
    }

    /// Verifies a signed checkpoint with the signature primitive `ed25519` and reads it.
    pub fn verify_checkpoint_with(&self, note: &str, ed25519: &dyn Ed25519) -> Result<Checkpoint, TlogError> {
        Checkpoint::parse_body(&self.verify_note_with(note, ed25519)?)
    }

    /// [`Verifier::verify_note_with`] with ed25519-dalek ([`Dalek`]).
    pub fn verify_note(&self, note: &str) -> Result<String, TlogError> {
        self.verify_note_with(note, &Dalek)
    }

    /// [`Verifier::verify_checkpoint_with`] with ed25519-dalek ([`Dalek`]).
    pub fn verify_checkpoint(&self, note: &str) -> Result<Checkpoint, TlogError> {
        self.verify_checkpoint_with(note, &Dalek)
    }
}

/// The Ed25519 signature equation, `[S]B = R + [k]A`: the one step of a note's verification
/// that may be done outside the core. Called only for 64-byte signatures whose `S` is below
/// the group order and whose `R` is not of small order, by a key that is not of small order.
pub trait Ed25519 {
    /// Whether `signature` by `key` over `message` verifies.
    fn verify(&self, key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// ed25519-dalek's `verify_strict`: the primitive of native builds (the server, tests). No
/// export of the browser package reaches it (they ask WebCrypto), so the package carries no
/// curve arithmetic; the browser tests still sign and check with it.
pub struct Dalek;

impl Ed25519 for Dalek {
    fn verify(&self, key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(key) else { return false };
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
    }
}

/// One signature a check needs: `signature` by `key` over `message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureQuestion {
    pub key: [u8; 32],
    pub message: Vec<u8>,
    pub signature: [u8; 64],
}

/// A primitive that verifies nothing: it records every signature asked about and answers yes,
/// so that a check run with it asks every signature a run with real answers could ask (a
/// "no" only stops a check earlier). Its list goes to an asynchronous primitive (WebCrypto),
/// whose results come back as [`Answers`].
#[derive(Default)]
pub struct Questions(RefCell<Vec<SignatureQuestion>>);

impl Questions {
    /// The signatures asked about, each once, in the order asked.
    pub fn into_vec(self) -> Vec<SignatureQuestion> {
        self.0.into_inner()
    }
}

impl Ed25519 for Questions {
    fn verify(&self, key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        let mut asked = self.0.borrow_mut();
        if !asked.iter().any(|q| &q.key == key && &q.signature == signature && q.message == message) {
            asked.push(SignatureQuestion { key: *key, message: message.to_vec(), signature: *signature });
        }
        true
    }
}

/// Signatures verified elsewhere: a signature is valid only when it was asked about and found
/// valid; one not in the list is not.
#[derive(Default)]
pub struct Answers(pub Vec<(SignatureQuestion, bool)>);

impl Ed25519 for Answers {
    fn verify(&self, key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        self.0.iter().any(|(q, valid)| *valid && &q.key == key && &q.signature == signature && q.message == message)
    }
}

/// The Ed25519 group order L, little-endian.
const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0x10,
];

/// Whether a signature has the form `verify_strict` accepts: `S` (its second half,
/// little-endian) below the group order, so that no second signature can be made from it,
/// and `R` not of small order.
pub fn strict_signature(signature: &[u8; 64]) -> bool {
    let (r, s) = signature.split_at(32);
    let below_order = s.iter().rev().zip(GROUP_ORDER.iter().rev()).find(|(a, b)| a != b).is_some_and(|(a, b)| a < b);
    below_order && !small_order(r.try_into().unwrap_or(&[0; 32]))
}

/// The encodings of the eight points of small order (the neutral element, orders 2, 4 and 8),
/// canonical and not, without the sign bit (the top bit of byte 31), as libsodium lists them:
/// 0, 1, the two y of order 8, p - 1, p and p + 1. Checked against curve25519-dalek by a test.
const SMALL_ORDER: [[u8; 32]; 7] = {
    let mut list = [[0; 32]; 7];
    list[1][0] = 1;
    list[2] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33,
        0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ];
    list[3] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc,
        0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];
    let mut i = 4;
    while i < 7 {
        // p - 1, p, p + 1 with p = 2^255 - 19: 0x7fff…ffec, 0x7fff…ffed, 0x7fff…ffee.
        let mut y = [0xff; 32];
        y[0] = 0xe8 + i as u8;
        y[31] = 0x7f;
        list[i] = y;
        i += 1;
    }
    list
};

/// Whether a point encoding is one of a small-order point (whatever its sign bit).
pub fn small_order(point: &[u8; 32]) -> bool {
    SMALL_ORDER.iter().any(|small| small[..31] == point[..31] && small[31] == point[31] & 0x7f)
}

/// An Ed25519 note signer, for the backend and tests. Nothing exported to JavaScript reaches
/// it, so the browser package does not carry Ed25519 signing.
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl NoteSigner {
    /// A signer named `name` (a schema-less URL such as `kezek.egov.kz/almaty/log`) with the
    /// 32-byte Ed25519 secret key `secret`.
    pub fn new(name: &str, secret: &[u8; 32]) -> Result<NoteSigner, TlogError> {
        if !valid_key_name(name) {
            return Err(TlogError::Key("the key name is empty or contains a space or a plus".to_owned()));
        }
        Ok(NoteSigner { name: name.to_owned(), key: SigningKey::from_bytes(secret) })
    }

    /// The public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The verifier key to pin in the page: `<name>+<hex key ID>+<base64(0x01 || key)>`.
    pub fn vkey(&self) -> String {
        let pk = self.public_key();
        let mut typed = vec![ED25519];
        typed.extend_from_slice(&pk);
        format!("{}+{:08x}+{}", self.name, key_id(&self.name, &pk), base64::encode(&typed))
    }

    /// The signature line for `text` (a note text ending in a newline), with its newline.
    pub fn signature_line(&self, text: &str) -> String {
        let mut bytes = key_id(&self.name, &self.public_key()).to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.key.sign(text.as_bytes()).to_bytes());
        format!("— {} {}\n", self.name, base64::encode(&bytes))
    }

    /// Signs a note text: the text, a blank line and the signature line.
    pub fn sign(&self, text: &str) -> Result<String, TlogError> {
        if !text.ends_with('\n') || text.chars().any(|c| c < ' ' && c != '\n') {
            return Err(format_err("a note text ends in a newline and has no other control characters"));
        }
        Ok(format!("{text}\n{}", self.signature_line(text)))
    }

    /// Signs a checkpoint. Refuses one whose body would not read back as itself (an empty
    /// origin, a newline inside a line, an empty extension line).
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> Result<String, TlogError> {
        let body = checkpoint.to_body();
        if Checkpoint::parse_body(&body).ok().as_ref() != Some(checkpoint) {
            return Err(format_err("the checkpoint's origin or extension lines are empty or contain a newline"));
        }
        self.sign(&body)
    }
}
