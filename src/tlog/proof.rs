//! Merkle audit paths (inclusion proofs) and consistency proofs: generation from an in-memory
//! [`Log`] (RFC 6962 §2.1.1-2.1.2) and verification (RFC 9162 §2.1.3.2 and §2.1.4.2).

use super::hash::{leaf_hash, node_hash, split_point, Hash, EMPTY_ROOT};
use super::TlogError;

/// The longest proof accepted: a tree of 2^64 leaves has proofs of at most 64 hashes.
pub const MAX_PROOF_LEN: usize = 64;

/// An append-only log held in memory as the hashes of every complete aligned subtree
/// (`levels[k][i]` is the hash of leaves `i·2^k .. (i+1)·2^k`), about two hashes per entry.
/// Roots cost O(log n) hashes and proofs O(log² n). The backend persists the leaf hashes and
/// rebuilds a `Log` with [`Log::from_leaf_hashes`].
#[derive(Clone, Debug, Default)]
pub struct Log {
    levels: Vec<Vec<Hash>>,
}

impl Log {
    /// An empty log.
    pub fn new() -> Log {
        Log::default()
    }

    /// A log holding these leaf hashes, in order.
    pub fn from_leaf_hashes(hashes: impl IntoIterator<Item = Hash>) -> Log {
        let mut log = Log::new();
        for h in hashes {
            log.push_leaf_hash(h);
        }
        log
    }

    /// The number of entries.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends an entry; returns its index.
    pub fn append(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends an entry given by its leaf hash; returns its index.
    pub fn push_leaf_hash(&mut self, hash: Hash) -> u64 {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(hash);
        let index = self.levels[0].len() as u64 - 1;
        let mut k = 0;
        while self.levels[k].len() % 2 == 0 {
            let n = self.levels[k].len();
            let node = node_hash(&self.levels[k][n - 2], &self.levels[k][n - 1]);
            if self.levels.len() == k + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[k + 1].push(node);
            k += 1;
        }
        index
    }

    /// The leaf hash of entry `index`.
    pub fn leaf_hash(&self, index: u64) -> Option<Hash> {
        self.levels.first()?.get(usize::try_from(index).ok()?).copied()
    }

    /// MTH of leaves `start .. start + n`, `n >= 1`, inside the log. Every range the RFC 6962
    /// recursion asks for splits into aligned complete subtrees, which are stored.
    fn subtree(&self, start: u64, n: u64) -> Hash {
        if n.is_power_of_two() && start % n == 0 {
            let level = n.trailing_zeros() as usize;
            return self.levels[level][(start / n) as usize];
        }
        let k = split_point(n);
        node_hash(&self.subtree(start, k), &self.subtree(start + k, n - k))
    }

    fn check_size(&self, size: u64) -> Result<(), TlogError> {
        if size > self.size() {
            return Err(TlogError::Range(format!("tree size {size} is beyond the log's {} entries", self.size())));
        }
        Ok(())
    }

    /// The root of the tree of the first `size` entries.
    pub fn root(&self, size: u64) -> Result<Hash, TlogError> {
        self.check_size(size)?;
        Ok(if size == 0 { EMPTY_ROOT } else { self.subtree(0, size) })
    }

    /// The audit path of entry `index` in the tree of the first `size` entries
    /// (RFC 6962 §2.1.1 PATH), leaf-side first.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TlogError> {
        self.check_size(size)?;
        if index >= size {
            return Err(TlogError::Range(format!("entry {index} is not in a tree of size {size}")));
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    fn path(&self, m: u64, start: u64, n: u64, out: &mut Vec<Hash>) {
        if n == 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, k, out);
            out.push(self.subtree(start + k, n - k));
        } else {
            self.path(m - k, start + k, n - k, out);
            out.push(self.subtree(start, k));
        }
    }

    /// The consistency proof from the tree of `old` entries to the tree of `new` entries
    /// (RFC 6962 §2.1.2 PROOF); empty when `old` is 0 or equals `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, TlogError> {
        self.check_size(new)?;
        if old > new {
            return Err(TlogError::Range(format!("old size {old} is larger than new size {new}")));
        }
        let mut proof = Vec::new();
        if old > 0 && old < new {
            self.subproof(old, 0, new, true, &mut proof);
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, start: u64, n: u64, whole: bool, out: &mut Vec<Hash>) {
        if m == n {
            if !whole {
                out.push(self.subtree(start, n));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, k, whole, out);
            out.push(self.subtree(start + k, n - k));
        } else {
            self.subproof(m - k, start + k, n - k, false, out);
            out.push(self.subtree(start, k));
        }
    }
}

fn check_len(proof: &[Hash]) -> Result<(), TlogError> {
    if proof.len() > MAX_PROOF_LEN {
        return Err(TlogError::Proof(format!("a proof of {} hashes is longer than {MAX_PROOF_LEN}", proof.len())));
    }
    Ok(())
}

/// The root that an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-6), or an error
/// when the index, size and proof length do not fit together.
pub fn root_from_inclusion_proof(leaf: &Hash, index: u64, size: u64, proof: &[Hash]) -> Result<Hash, TlogError> {
    check_len(proof)?;
    if index >= size {
        return Err(TlogError::Proof(format!("entry {index} is not in a tree of size {size}")));
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(TlogError::Proof("the inclusion proof is too long for the tree".to_owned()));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(TlogError::Proof("the inclusion proof is too short for the tree".to_owned()));
    }
    Ok(r)
}

/// Verifies that the entry with hash `leaf` is entry `index` of the tree of `size` entries
/// whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), TlogError> {
    if root_from_inclusion_proof(leaf, index, size, proof)? != *root {
        return Err(TlogError::Proof(format!("entry {index} is not in the tree of size {size} with this root")));
    }
    Ok(())
}

/// Verifies that the tree of `old_size` entries with root `old_root` is a prefix of the tree
/// of `new_size` entries with root `new_root` (RFC 9162 §2.1.4.2). A smaller new tree is
/// `tlog.truncated`; equal sizes need equal roots and an empty proof; any tree extends the
/// empty tree (with an empty proof).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), TlogError> {
    check_len(proof)?;
    let fail = |why: &str| Err(TlogError::Inconsistent(format!("tree {old_size} → {new_size}: {why}")));
    if new_size < old_size {
        return Err(TlogError::Truncated(format!("the log has {new_size} entries, fewer than the {old_size} seen before")));
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return fail("a proof between equal sizes must be empty");
        }
        return if old_root == new_root { Ok(()) } else { fail("same size, different root") };
    }
    if old_size == 0 {
        return if proof.is_empty() { Ok(()) } else { fail("a proof from the empty tree must be empty") };
    }
    // RFC 9162 §2.1.4.2, for 0 < old_size < new_size.
    let Some((first, rest)) = proof.split_first() else { return fail("the proof is empty") };
    let (seed, path) = if old_size.is_power_of_two() { (old_root, proof) } else { (first, rest) };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in path {
        if sn == 0 {
            return fail("the proof is too long");
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return fail("the proof is too short");
    }
    if fr != *old_root {
        return fail("the old root does not match: the history before the old size was rewritten");
    }
    if sr != *new_root {
        return fail("the new root does not match");
    }
    Ok(())
}
