//! RFC 6962 §2.1 hashing: leaves and interior nodes are SHA-256 with a one-byte domain prefix,
//! so a leaf can never be passed off as a node or the other way round.

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, a node hash or a tree's root.
pub type Hash = [u8; 32];

/// The root of the empty tree: SHA-256 of nothing.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4,
    0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash {
    Sha256::digest(data).into()
}

/// The hash of a log entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (`n >= 2`): where RFC 6962 splits a tree.
pub(crate) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The Merkle Tree Hash of a list of entries (RFC 6962 §2.1), computed directly from the
/// definition. For tests and small lists; [`super::Log`] does the same in O(log n) per root.
pub fn mth<E: AsRef<[u8]>>(entries: &[E]) -> Hash {
    match entries.len() {
        0 => EMPTY_ROOT,
        1 => leaf_hash(entries[0].as_ref()),
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&mth(&entries[..k]), &mth(&entries[k..]))
        }
    }
}

/// Lower-case hex of a hash, for messages and fixtures.
pub fn to_hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
