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
//! verify, and at least one must be present. Ed25519 verification is `verify_strict` (no
//! small-order keys, no malleable signatures).

use super::base64;
use super::hash::{sha256, Hash};
use super::TlogError;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

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
        let split = note.rfind("\n\n").ok_or_else(|| format_err("the note has no blank line before its signatures"))?;
        let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
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
        Ok(Note { text: text.to_owned(), signatures })
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
    key: VerifyingKey,
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
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("the key is not an Ed25519 point"))?;
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

    /// Verifies a signed note: returns its text when a signature by this key is present and
    /// every signature by this key verifies; signatures by other keys are ignored.
    pub fn verify_note(&self, note: &str) -> Result<String, TlogError> {
        let note = Note::parse(note)?;
        let mut verified = false;
        for sig in note.signatures.iter().filter(|s| s.name == self.name && s.key_id == self.key_id) {
            let sig = Signature::from_slice(&sig.signature)
                .map_err(|_| TlogError::Signature("an Ed25519 signature is 64 bytes".to_owned()))?;
            self.key
                .verify_strict(note.text.as_bytes(), &sig)
                .map_err(|_| TlogError::Signature(format!("the signature by {} does not verify", self.name)))?;
            verified = true;
        }
        if !verified {
            return Err(TlogError::Signature(format!("the note is not signed by {}", self.name)));
        }
        Ok(note.text)
    }

    /// Verifies a signed checkpoint and reads it.
    pub fn verify_checkpoint(&self, note: &str) -> Result<Checkpoint, TlogError> {
        Checkpoint::parse_body(&self.verify_note(note)?)
    }
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
