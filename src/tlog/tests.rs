//! Known-answer tests (RFC 6962 test tree), proof properties, tampering, forks and truncation.

use super::*;
use chrono::{DateTime, Utc};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn h(s: &str) -> Hash {
    hex(s).try_into().unwrap()
}

// The RFC 6962 test tree and its known answers, from transparency-dev/merkle
// (testonly/constants.go: LeafInputs, NodeHashes, RootHashes; proof/verify_test.go:
// inclusionProofs, consistencyProofs), the same data as certificate-transparency-go's
// merkletree tests.
const LEAVES: [&str; 8] =
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

/// Roots by tree size 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// Leaf hashes (level 0 of NodeHashes).
const LEAF_HASHES: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];

/// (0-based leaf index, tree size, proof).
const INCLUSION: &[(u64, u64, &[&str])] = &[
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, proof).
const CONSISTENCY: &[(u64, u64, &[&str])] = &[
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn kat_entries() -> Vec<Vec<u8>> {
    LEAVES.iter().map(|l| hex(l)).collect()
}

fn kat_log() -> Log {
    let mut log = Log::new();
    for e in kat_entries() {
        log.append(&e);
    }
    log
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|s| h(s)).collect()
}

#[test]
fn kat_leaf_hashes_and_roots() {
    let entries = kat_entries();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(leaf_hash(e), h(LEAF_HASHES[i]), "leaf {i}");
    }
    let log = kat_log();
    for size in 0..=8 {
        assert_eq!(mth(&entries[..size]), h(ROOTS[size]), "mth of {size}");
        assert_eq!(log.root(size as u64).unwrap(), h(ROOTS[size]), "Log root of {size}");
    }
    assert_eq!(EMPTY_ROOT, sha256(b""));
    assert_eq!(hash::to_hex(&log.root(8).unwrap()), "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

#[test]
fn kat_inclusion_proofs() {
    let log = kat_log();
    for &(index, size, proof) in INCLUSION {
        let proof = hashes(proof);
        assert_eq!(log.inclusion_proof(index, size).unwrap(), proof, "generated {index} in {size}");
        let leaf = h(LEAF_HASHES[index as usize]);
        verify_inclusion(&leaf, index, size, &proof, &h(ROOTS[size as usize])).unwrap();
        // transparency-dev's corruptions: wrong index, size, leaf, root; garbage; flipped bits.
        let root = h(ROOTS[size as usize]);
        let bad = |i: u64, s: u64, l: &Hash, p: &[Hash], r: &Hash| verify_inclusion(l, i, s, p, r).is_err();
        assert!(bad(index.wrapping_sub(1), size, &leaf, &proof, &root));
        assert!(bad(index + 1, size, &leaf, &proof, &root));
        assert!(bad(index ^ 2, size, &leaf, &proof, &root));
        assert!(bad(index, size * 2, &leaf, &proof, &root));
        assert!(bad(index, size / 2, &leaf, &proof, &root));
        assert!(bad(index, size, &sha256(b"WrongLeaf"), &proof, &root));
        assert!(bad(index, size, &leaf, &proof, &EMPTY_ROOT));
        let mut longer = proof.clone();
        longer.push(root);
        assert!(bad(index, size, &leaf, &longer, &root));
        let mut front = vec![root];
        front.extend_from_slice(&proof);
        assert!(bad(index, size, &leaf, &front, &root));
        assert!(bad(index, size, &leaf, &proof[..proof.len() - 1], &root));
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 8;
            assert!(bad(index, size, &leaf, &p, &root));
        }
    }
    // A one-entry tree: the root is the leaf hash and the proof is empty.
    verify_inclusion(&h(LEAF_HASHES[0]), 0, 1, &[], &h(ROOTS[1])).unwrap();
    // Nothing is in the empty tree; an index past the end is no entry.
    assert!(verify_inclusion(&EMPTY_ROOT, 0, 0, &[], &EMPTY_ROOT).is_err());
    assert!(verify_inclusion(&h(ROOTS[1]), 1, 1, &[], &h(ROOTS[1])).is_err());
}

#[test]
fn kat_consistency_proofs() {
    let log = kat_log();
    for &(old, new, proof) in CONSISTENCY {
        let proof = hashes(proof);
        assert_eq!(log.consistency_proof(old, new).unwrap(), proof, "generated {old} -> {new}");
        let (r1, r2) = (h(ROOTS[old as usize]), h(ROOTS[new as usize]));
        verify_consistency(old, new, &r1, &r2, &proof).unwrap();
        if proof.is_empty() {
            continue;
        }
        let bad = |o: u64, n: u64, a: &Hash, b: &Hash, p: &[Hash]| verify_consistency(o, n, a, b, p).is_err();
        assert!(bad(old - 1, new, &r1, &r2, &proof));
        assert!(bad(old + 1, new, &r1, &r2, &proof));
        assert!(bad(old ^ 2, new, &r1, &r2, &proof));
        assert!(bad(old, new * 2, &r1, &r2, &proof));
        assert!(bad(old, new / 2, &r1, &r2, &proof));
        assert!(bad(old, new, &sha256(b"WrongRoot"), &r2, &proof));
        assert!(bad(old, new, &r1, &sha256(b"WrongRoot"), &proof));
        assert!(bad(old, new, &r2, &r1, &proof));
        assert!(bad(old, new, &r1, &r2, &[]));
        for extra in [r1, r2, proof[0]] {
            let mut p = proof.clone();
            p.push(extra);
            assert!(bad(old, new, &r1, &r2, &p));
            let mut p = vec![extra];
            p.extend_from_slice(&proof);
            assert!(bad(old, new, &r1, &r2, &p));
        }
        assert!(bad(old, new, &r1, &r2, &proof[..proof.len() - 1]));
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            assert!(bad(old, new, &r1, &r2, &p));
        }
    }
    // transparency-dev's edge cases.
    let (a, b) = (sha256(b"don't care 1"), sha256(b"don't care 2"));
    assert!(verify_consistency(0, 0, &a, &b, &[]).is_err());
    assert!(verify_consistency(1, 1, &a, &b, &[]).is_err());
    verify_consistency(0, 0, &a, &a, &[]).unwrap();
    verify_consistency(0, 1, &a, &b, &[]).unwrap();
    verify_consistency(1, 1, &b, &b, &[]).unwrap();
    assert_eq!(verify_consistency(1, 0, &a, &b, &[]).unwrap_err().code(), "tlog.truncated");
    assert_eq!(verify_consistency(2, 1, &a, &b, &[]).unwrap_err().code(), "tlog.truncated");
    assert!(verify_consistency(1, 2, &a, &b, &[]).is_err());
    assert!(verify_consistency(0, 0, &EMPTY_ROOT, &EMPTY_ROOT, &[EMPTY_ROOT]).is_err());
    assert!(verify_consistency(0, 1, &EMPTY_ROOT, &EMPTY_ROOT, &[EMPTY_ROOT]).is_err());
    assert!(verify_consistency(1, 1, &EMPTY_ROOT, &EMPTY_ROOT, &[EMPTY_ROOT]).is_err());
}

#[test]
fn proofs_longer_than_64_are_refused_without_work() {
    let long = vec![EMPTY_ROOT; 65];
    assert_eq!(verify_inclusion(&EMPTY_ROOT, 0, u64::MAX, &long, &EMPTY_ROOT).unwrap_err().code(), "tlog.proof");
    assert_eq!(verify_consistency(1, u64::MAX, &EMPTY_ROOT, &EMPTY_ROOT, &long).unwrap_err().code(), "tlog.proof");
    // Extreme sizes do not overflow or panic.
    assert!(verify_inclusion(&EMPTY_ROOT, u64::MAX - 1, u64::MAX, &vec![EMPTY_ROOT; 64], &EMPTY_ROOT).is_err());
    assert!(verify_consistency(u64::MAX - 1, u64::MAX, &EMPTY_ROOT, &EMPTY_ROOT, &vec![EMPTY_ROOT; 64]).is_err());
}

#[test]
fn log_refuses_sizes_beyond_itself() {
    let log = kat_log();
    assert_eq!(log.root(9).unwrap_err().code(), "tlog.range");
    assert!(log.inclusion_proof(8, 8).is_err());
    assert!(log.inclusion_proof(0, 9).is_err());
    assert!(log.consistency_proof(5, 4).is_err());
    assert!(log.consistency_proof(1, 9).is_err());
    assert_eq!(Log::from_leaf_hashes(LEAF_HASHES.iter().map(|s| h(s))).root(8).unwrap(), h(ROOTS[8]));
    assert_eq!(log.leaf_hash(3), Some(h(LEAF_HASHES[3])));
    assert_eq!(log.leaf_hash(8), None);
}

/// A log of `n` distinct entries.
fn log_of(n: u64, tag: &str) -> (Log, Vec<Vec<u8>>) {
    let entries: Vec<Vec<u8>> = (0..n).map(|i| format!("{tag}{i}").into_bytes()).collect();
    let mut log = Log::new();
    for e in &entries {
        log.append(e);
    }
    (log, entries)
}

#[test]
fn every_proof_up_to_64_leaves_verifies() {
    let (log, entries) = log_of(64, "e");
    for size in 1..=64u64 {
        let root = log.root(size).unwrap();
        assert_eq!(root, mth(&entries[..size as usize]));
        for index in 0..size {
            let proof = log.inclusion_proof(index, size).unwrap();
            verify_inclusion(&leaf_hash(&entries[index as usize]), index, size, &proof, &root).unwrap();
            // The proof is for this size only.
            if size > 1 {
                assert!(verify_inclusion(&leaf_hash(&entries[index as usize]), index, size - 1, &proof, &log.root(size - 1).unwrap()).is_err());
            }
        }
        for old in 0..=size {
            let proof = log.consistency_proof(old, size).unwrap();
            verify_consistency(old, size, &log.root(old).unwrap(), &root, &proof).unwrap();
        }
    }
}

#[test]
fn a_fork_fails_the_consistency_check() {
    // Two logs share 10 entries, then one rewrites entry 7 and both grow.
    let (honest, _) = log_of(20, "e");
    let mut forked = Log::new();
    for i in 0..20u64 {
        let e = if i == 7 { b"rewritten".to_vec() } else { format!("e{i}").into_bytes() };
        forked.append(&e);
    }
    for old in 1..=20u64 {
        for new in old..=20u64 {
            // The browser saw the honest log at `old`; the forked log proves its own history.
            let proof = forked.consistency_proof(old, new).unwrap();
            let result = verify_consistency(old, new, &honest.root(old).unwrap(), &forked.root(new).unwrap(), &proof);
            assert_eq!(result.is_ok(), old <= 7, "{old} -> {new}");
        }
    }
    // Same size, different root: a fork too.
    assert_eq!(verify_consistency(20, 20, &honest.root(20).unwrap(), &forked.root(20).unwrap(), &[]).unwrap_err().code(), "tlog.consistency");
}

#[test]
fn a_truncated_log_is_detected() {
    let (log, entries) = log_of(20, "e");
    // A smaller tree than the one seen before.
    let err = verify_consistency(20, 12, &log.root(20).unwrap(), &log.root(12).unwrap(), &[]).unwrap_err();
    assert_eq!(err.code(), "tlog.truncated");
    // A proof made for a smaller tree does not prove the larger one.
    let proof = log.consistency_proof(5, 12).unwrap();
    assert!(verify_consistency(5, 20, &log.root(5).unwrap(), &log.root(20).unwrap(), &proof).is_err());
    let proof = log.inclusion_proof(3, 12).unwrap();
    assert!(verify_inclusion(&leaf_hash(&entries[3]), 3, 20, &proof, &log.root(20).unwrap()).is_err());
    // An entry past the end of the signed tree is not in it.
    assert!(verify_inclusion(&leaf_hash(&entries[15]), 15, 12, &[], &log.root(12).unwrap()).is_err());
}

// --- checkpoints and notes ---

const SECRET: [u8; 32] = [7; 32];
const ORIGIN: &str = "kezek.egov.kz/almaty/log";

fn signer() -> NoteSigner {
    NoteSigner::new(ORIGIN, &SECRET).unwrap()
}

fn verifier() -> Verifier {
    Verifier::parse(&signer().vkey()).unwrap()
}

#[test]
fn signed_note_spec_example_verifies() {
    // The known answer in the package documentation of golang.org/x/mod/sumdb/note (note.go),
    // also used by its tests (note_test.go, TestNewVerifier): an Ed25519 note and its vkey.
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let note = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    let v = Verifier::parse(vkey).unwrap();
    assert_eq!(v.key_id(), 0xc74f20a3);
    assert_eq!(v.verify_note(note).unwrap(), "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n");
}

#[test]
fn checkpoint_round_trip_and_key_id() {
    let s = signer();
    let vkey = s.vkey();
    let parts: Vec<&str> = vkey.splitn(3, '+').collect();
    assert_eq!(parts[0], ORIGIN);
    assert_eq!(u32::from_str_radix(parts[1], 16).unwrap(), key_id(ORIGIN, &s.public_key()));
    let expected = sha256(&[ORIGIN.as_bytes(), b"\n\x01", &s.public_key()].concat());
    assert_eq!(key_id(ORIGIN, &s.public_key()).to_be_bytes(), expected[..4]);

    let cp = Checkpoint::new(ORIGIN, 8, h(ROOTS[8]));
    assert_eq!(cp.to_body(), format!("{ORIGIN}\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"));
    let note = s.sign_checkpoint(&cp).unwrap();
    assert!(note.starts_with(&cp.to_body()));
    assert!(note.contains("\n\n— kezek.egov.kz/almaty/log "));
    assert_eq!(verifier().verify_checkpoint(&note).unwrap(), cp);

    for bad in [Checkpoint::new("", 8, h(ROOTS[8])), Checkpoint::new("a\nb", 8, h(ROOTS[8]))] {
        assert_eq!(s.sign_checkpoint(&bad).unwrap_err().code(), "tlog.format");
    }
    let empty_ext = Checkpoint { extensions: vec![String::new()], ..cp.clone() };
    assert!(s.sign_checkpoint(&empty_ext).is_err());
    let with_ext = Checkpoint { extensions: vec!["ext line".to_owned()], ..cp.clone() };
    let note = s.sign_checkpoint(&with_ext).unwrap();
    assert_eq!(verifier().verify_checkpoint(&note).unwrap(), with_ext);
}

#[test]
fn checkpoint_bodies_are_strict() {
    let root = crate::tlog::base64::encode(&h(ROOTS[8]));
    for bad in [
        format!("{ORIGIN}\n8\n{root}"),
        format!("{ORIGIN}\n08\n{root}\n"),
        format!("{ORIGIN}\n+8\n{root}\n"),
        format!("{ORIGIN}\n-1\n{root}\n"),
        format!("{ORIGIN}\n18446744073709551616\n{root}\n"),
        format!("{ORIGIN}\n8\n{}\n", &root[..40]),
        format!("\n8\n{root}\n"),
        format!("{ORIGIN}\n8\n{root}\n\n"),
        format!("{ORIGIN}\n8\n"),
    ] {
        assert_eq!(Checkpoint::parse_body(&bad).unwrap_err().code(), "tlog.format", "{bad:?}");
    }
    assert_eq!(Checkpoint::parse_body(&format!("{ORIGIN}\n0\n{}\n", crate::tlog::base64::encode(&EMPTY_ROOT))).unwrap().size, 0);
}

#[test]
fn unknown_signatures_are_ignored_and_a_missing_one_fails() {
    let s = signer();
    let witness = NoteSigner::new("witness.example/w1", &[9; 32]).unwrap();
    let body = Checkpoint::new(ORIGIN, 8, h(ROOTS[8])).to_body();
    // The log's signature and a witness's cosignature, in either order.
    let both = format!("{body}\n{}{}", witness.signature_line(&body), s.signature_line(&body));
    verifier().verify_checkpoint(&both).unwrap();
    // Only the witness signed: not enough.
    let only_witness = witness.sign(&body).unwrap();
    assert_eq!(verifier().verify_checkpoint(&only_witness).unwrap_err().code(), "tlog.signature");
    // Another key under the log's name is ignored (different key ID), so still unsigned.
    let impostor = NoteSigner::new(ORIGIN, &[8; 32]).unwrap();
    assert_eq!(verifier().verify_checkpoint(&impostor.sign(&body).unwrap()).unwrap_err().code(), "tlog.signature");
    // A bad signature by the pinned key fails even next to a good one.
    let good = s.signature_line(&body);
    let bad_line = s.signature_line("something else\n");
    assert_eq!(verifier().verify_checkpoint(&format!("{body}\n{good}{bad_line}")).unwrap_err().code(), "tlog.signature");
}

#[test]
fn verifier_keys_are_strict() {
    let vkey = signer().vkey();
    Verifier::parse(&vkey).unwrap();
    let (name, rest) = vkey.split_once('+').unwrap();
    let (id, key) = rest.split_once('+').unwrap();
    for bad in [
        format!("other.name+{id}+{key}"),
        format!("{name}+00000000+{key}"),
        format!("{name}+{}+{key}", &id[..7]),
        format!("{name}+{id}+{}", &key[..key.len() - 4]),
        format!("{name}+{id}"),
        format!("{name}+{id}+AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        String::new(),
    ] {
        assert_eq!(Verifier::parse(&bad).unwrap_err().code(), "tlog.key", "{bad}");
    }
}

#[cfg(not(target_arch = "wasm32"))] // curve25519-dalek is a native dev-dependency
#[test]
fn small_order_encodings_are_those_of_curve25519_dalek() {
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::edwards::CompressedEdwardsY;
    use crate::tlog::checkpoint::small_order;
    // Every point of small order, with either sign bit, is on the list.
    for point in EIGHT_TORSION {
        let mut bytes = point.compress().to_bytes();
        assert!(small_order(&bytes), "{bytes:?}");
        bytes[31] ^= 0x80;
        assert!(small_order(&bytes), "{bytes:?}");
    }
    // Every y below 2^255 that is a point of small order is on the list, and nothing else:
    // tried on the listed encodings and on ones a bit away from them.
    let mut tried = 0;
    for base in [[0u8; 32], [1; 32], [0xff; 32], signer().public_key()] {
        for i in 0..32 {
            for bit in 0..8 {
                let mut y = base;
                y[i] ^= 1 << bit;
                let dalek = CompressedEdwardsY(y).decompress().is_some_and(|p| p.is_small_order());
                if dalek {
                    assert!(small_order(&y), "{y:?}");
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 1000);
    assert!(!small_order(&signer().public_key()));
    // The key of a small-order point is refused as a verifier key (libsodium's and
    // verify_strict's "weak key").
    let weak = {
        let mut y = [0u8; 32];
        y[0] = 1;
        y
    };
    assert!(ed25519_dalek::VerifyingKey::from_bytes(&weak).unwrap().is_weak());
    let mut typed = vec![1u8];
    typed.extend_from_slice(&weak);
    let vkey = format!("weak+{:08x}+{}", key_id("weak", &weak), crate::tlog::base64::encode(&typed));
    assert_eq!(Verifier::parse(&vkey).unwrap_err().code(), "tlog.key");
}

#[test]
fn malleable_and_small_order_signatures_fail_before_the_primitive() {
    use crate::tlog::checkpoint::{strict_signature, Answers, Ed25519};
    // A primitive that says yes to everything: only the core's own checks can refuse.
    struct Yes;
    impl Ed25519 for Yes {
        fn verify(&self, _: &[u8; 32], _: &[u8], _: &[u8; 64]) -> bool {
            true
        }
    }
    let body = Checkpoint::new(ORIGIN, 8, h(ROOTS[8])).to_body();
    let note = signer().sign(&body).unwrap();
    let line = note.lines().last().unwrap();
    let (head, sig64) = line.rsplit_once(' ').unwrap();
    let sig = crate::tlog::base64::decode(sig64).unwrap();
    let mut signature: [u8; 64] = sig[4..].try_into().unwrap();
    assert!(strict_signature(&signature));
    verifier().verify_note_with(&note, &Yes).unwrap();
    // S + L: the same signature written another way. dalek's verify_strict and the core refuse it.
    let order: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(signature[32 + i]) + u16::from(order[i]) + carry;
        signature[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert!(!strict_signature(&signature));
    let malleated = |signature: &[u8; 64]| {
        let mut bytes = sig[..4].to_vec();
        bytes.extend_from_slice(signature);
        format!("{}{head} {}\n", &note[..note.len() - line.len() - 1], crate::tlog::base64::encode(&bytes))
    };
    assert_eq!(verifier().verify_note_with(&malleated(&signature), &Yes).unwrap_err().code(), "tlog.signature");
    assert_eq!(verifier().verify_note(&malleated(&signature)).unwrap_err().code(), "tlog.signature");
    // S = L - 1 has the strict form, S = L does not.
    let mut edge = [0u8; 64];
    edge[32..].copy_from_slice(&order);
    edge[0] = 0x58; // R: not of small order
    assert!(!strict_signature(&edge));
    edge[32] -= 1;
    assert!(strict_signature(&edge));
    // R of small order (the identity, 1): refused whatever the primitive says.
    let mut small_r: [u8; 64] = sig[4..].try_into().unwrap();
    small_r[..32].copy_from_slice(&{
        let mut y = [0u8; 32];
        y[0] = 1;
        y
    });
    assert_eq!(verifier().verify_note_with(&malleated(&small_r), &Yes).unwrap_err().code(), "tlog.signature");
    // Answers: a signature not asked about is not valid.
    assert_eq!(verifier().verify_note_with(&note, &Answers::default()).unwrap_err().code(), "tlog.signature");
}

#[test]
fn questions_then_answers_verify_as_dalek_does() {
    use crate::tlog::checkpoint::{Answers, Dalek, Ed25519, Questions};
    let s = signer();
    let witness = NoteSigner::new("witness.example/w1", &[9; 32]).unwrap();
    let body = Checkpoint::new(ORIGIN, 8, h(ROOTS[8])).to_body();
    let good = s.signature_line(&body);
    let bad_line = s.signature_line("something else\n");
    let notes = [
        s.sign(&body).unwrap(),
        format!("{body}\n{}{good}", witness.signature_line(&body)),
        format!("{body}\n{good}{bad_line}"),
        format!("{body}\n{bad_line}"),
        witness.sign(&body).unwrap(),
        "not a note".to_owned(),
    ];
    for note in notes {
        let questions = Questions::default();
        let _ = verifier().verify_note_with(&note, &questions);
        let asked = questions.into_vec();
        // Only the pinned key's signatures are asked about.
        assert!(asked.iter().all(|q| q.key == s.public_key()));
        let answers = Answers(asked.iter().map(|q| (q.clone(), Dalek.verify(&q.key, &q.message, &q.signature))).collect());
        assert_eq!(verifier().verify_note_with(&note, &answers), verifier().verify_note(&note), "{note:?}");
    }
}

/// Every single-byte change of a text that is still a string: flip one bit of each byte.
fn variants(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x20, 0x80] {
            let mut b = bytes.to_vec();
            b[i] ^= bit;
            if let Ok(s) = String::from_utf8(b) {
                out.push(s);
            }
        }
    }
    out
}

#[test]
fn any_changed_byte_of_a_checkpoint_note_is_detected() {
    let note = signer().sign_checkpoint(&Checkpoint::new(ORIGIN, 8, h(ROOTS[8]))).unwrap();
    let v = verifier();
    let original = v.verify_checkpoint(&note).unwrap();
    let mut tried = 0;
    for changed in variants(&note) {
        tried += 1;
        if let Ok(cp) = v.verify_checkpoint(&changed) {
            panic!("accepted a changed note: {changed:?} -> {cp:?} (was {original:?})");
        }
    }
    assert!(tried > 300, "{tried}");
}

// --- events ---

fn at(s: &str) -> DateTime<Utc> {
    crate::calendar::parse_instant(s).unwrap()
}

fn sample_events() -> Vec<Event> {
    let c = Commitment::new(&[1; 32], b"priority: large family");
    let t = at("2026-11-23T07:00:00.123+05:00");
    let q = "almaty/bostandyk/2022";
    let app = "KZ-2026-000123".to_owned();
    let bodies = vec![
        EventBody::ApplicationAccepted { application: app.clone(), details: c, awaiting_originals: true },
        EventBody::InterestConfirmed { application: app.clone() },
        EventBody::PriorityChanged { application: app.clone(), details: c },
        EventBody::Withdrawn { application: app.clone() },
        EventBody::ReferralIssued { application: app.clone(), referral: "R-77".into(), seat: c },
        EventBody::ReferralCancelled { application: app.clone(), referral: "R-77".into(), reason: "applicant".into() },
        EventBody::ReferralExtended { application: app.clone(), referral: "R-77".into(), until: at("2026-11-30T18:00:00+05:00") },
        EventBody::ReferralExpired { application: app.clone(), referral: "R-77".into() },
        EventBody::StopListed { application: app.clone(), reason: "unreliable_data".into() },
        EventBody::Archived { application: app.clone(), reason: "aged_out".into() },
        EventBody::BulletinPublished { bulletin: "2026-11-23/almaty".into(), digest: sha256(b"bulletin") },
        EventBody::SeatWithdrawn { seat: "ds-12/group-3/seat-5".into(), reason: "major_repair".into() },
        EventBody::SnapshotPublished { digest: sha256(b"snapshot"), log_size: 1234 },
        EventBody::OriginalsConfirmed { application: app.clone() },
        EventBody::Refused { application: app.clone(), reasons: vec!["unreliable_data".into(), "not_eligible".into()] },
        EventBody::WindowOpened { application: app.clone(), round: "remaining".into() },
        EventBody::NotInterested { application: app.clone() },
        EventBody::Changed { application: app.clone(), details: c },
        EventBody::Admitted { application: app.clone(), referral: "R-77".into(), temporary_until: Some(crate::calendar::parse_date("2027-02-28").unwrap()) },
        EventBody::AdmissionRefused { application: app.clone(), referral: "R-77".into(), reason: "medical_contraindications".into() },
        EventBody::Restored { application: app.clone() },
        EventBody::ReferralBooked { application: app.clone(), referral: "R-78".into(), seat: c, counts_from: crate::calendar::parse_date("2027-09-01").unwrap() },
    ];
    assert_eq!(bodies.len(), event::KIND_NAMES.len(), "every kind is sampled");
    bodies.into_iter().map(|body| Event { at: t, queue: q.into(), body }).collect()
}

#[test]
fn events_round_trip_canonically() {
    for (i, e) in sample_events().into_iter().enumerate() {
        assert_eq!(usize::from(e.body.kind()), i + 1);
        assert_eq!(e.body.name(), event::KIND_NAMES[i]);
        let bytes = e.encode().unwrap();
        assert_eq!(bytes[0], EVENT_VERSION);
        assert_eq!(Event::decode(&bytes).unwrap(), e);
        // Any byte more or less is refused.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Event::decode(&longer).is_err());
        assert!(Event::decode(&bytes[..bytes.len() - 1]).is_err());
    }
}

#[test]
fn event_encoding_is_as_documented() {
    let e = Event {
        at: at("1970-01-01T00:00:01Z"),
        queue: "q".into(),
        body: EventBody::InterestConfirmed { application: "A1".into() },
    };
    assert_eq!(e.encode().unwrap(), [&[2u8, 2][..], &1000i64.to_be_bytes(), &[0, 1, b'q', 0, 2, b'A', b'1']].concat());
}

#[test]
fn events_refuse_personal_data_shapes() {
    let mut e = sample_events().remove(1);
    e.body = EventBody::InterestConfirmed { application: "200229600006".into() };
    assert_eq!(e.encode().unwrap_err().code(), "tlog.format");
    e.body = EventBody::InterestConfirmed { application: "Айгерим".into() };
    assert!(e.encode().is_err());
    e.body = EventBody::InterestConfirmed { application: "A B".into() };
    assert!(e.encode().is_err());
    e.body = EventBody::InterestConfirmed { application: "A1".into() };
    e.at = at("2026-11-23T07:00:00.1234+05:00");
    assert!(e.encode().is_err(), "sub-millisecond instants");
    assert!(Event::decode(&[3, 1]).is_err());
    // A version 1 entry is not read as version 2.
    e.at = at("2026-11-23T07:00:00.123+05:00");
    let mut v1 = e.encode().unwrap();
    v1[0] = 1;
    assert_eq!(Event::decode(&v1).unwrap_err().code(), "tlog.format");
    assert!(Event::decode(&[]).is_err());
}

#[test]
fn commitments_open_only_with_salt_and_data() {
    let c = Commitment::new(&[1; 32], b"data");
    assert!(c.opens(&[1; 32], b"data"));
    assert!(!c.opens(&[2; 32], b"data"));
    assert!(!c.opens(&[1; 32], b"date"));
    assert_eq!(c.0, sha256(&[&[1u8; 32][..], b"data"].concat()));
}

// --- the whole register check ---

struct World {
    log: Log,
    entries: Vec<Vec<u8>>,
    snapshot: Vec<u8>,
    snapshot_index: u64,
    own_index: u64,
}

/// A log of 40 events: the citizen's acceptance at 9, a snapshot of the first 30 at 30.
fn world() -> World {
    let mut log = Log::new();
    let mut entries = Vec::new();
    let snapshot = b"{\"queue\":\"almaty/bostandyk/2022\",\"positions\":[]}".to_vec();
    let t = at("2026-11-23T07:00:00+05:00");
    for i in 0..40u64 {
        let body = match i {
            9 => EventBody::ApplicationAccepted { application: "KZ-9".into(), details: Commitment::new(&[3; 32], b"x"), awaiting_originals: false },
            30 => EventBody::SnapshotPublished { digest: sha256(&snapshot), log_size: 30 },
            _ => EventBody::InterestConfirmed { application: format!("KZ-{i}") },
        };
        let bytes = Event { at: t, queue: "almaty/bostandyk/2022".into(), body }.encode().unwrap();
        log.append(&bytes);
        entries.push(bytes);
    }
    World { log, entries, snapshot, snapshot_index: 30, own_index: 9 }
}

#[derive(Clone)]
struct Owned {
    checkpoint: String,
    previous: Option<String>,
    consistency: Vec<Hash>,
    inclusion: Vec<Hash>,
    snapshot_inclusion: Vec<Hash>,
}

fn evidence(w: &World, old: Option<u64>, new: u64) -> Owned {
    let s = signer();
    let note = |size: u64| s.sign_checkpoint(&Checkpoint::new(ORIGIN, size, w.log.root(size).unwrap())).unwrap();
    Owned {
        checkpoint: note(new),
        previous: old.map(note),
        consistency: old.map(|o| w.log.consistency_proof(o, new).unwrap()).unwrap_or_default(),
        inclusion: w.log.inclusion_proof(w.own_index, new).unwrap(),
        snapshot_inclusion: w.log.inclusion_proof(w.snapshot_index, new).unwrap_or_default(),
    }
}


fn run(w: &World, o: &Owned) -> RegisterReport {
    verify_register(
        &verifier(),
        &RegisterEvidence {
            checkpoint: &o.checkpoint,
            previous: o.previous.as_deref(),
            consistency_proof: &o.consistency,
            entry: &w.entries[w.own_index as usize],
            entry_index: w.own_index,
            inclusion_proof: &o.inclusion,
            application: Some("KZ-9"),
            snapshot: Some(SnapshotEvidence {
                bytes: &w.snapshot,
                entry: &w.entries[w.snapshot_index as usize],
                entry_index: w.snapshot_index,
                inclusion_proof: &o.snapshot_inclusion,
                log_size: Some(30),
            }),
            history: &[],
        },
    )
}

#[test]
fn register_history_is_verified_entry_by_entry() {
    // The world's log with entries 12 and 25 made KZ-9's own; entry 20 stays KZ-20's.
    let mut entries = world().entries;
    let t = at("2026-11-23T08:00:00+05:00");
    for (i, body) in [(12usize, EventBody::InterestConfirmed { application: "KZ-9".into() }), (25, EventBody::NotInterested { application: "KZ-9".into() })] {
        entries[i] = Event { at: t, queue: "almaty/bostandyk/2022".into(), body }.encode().unwrap();
    }
    let mut log = Log::new();
    for e in &entries {
        log.append(e);
    }
    let checkpoint = signer().sign_checkpoint(&Checkpoint::new(ORIGIN, 40, log.root(40).unwrap())).unwrap();
    let proofs: Vec<Vec<Hash>> = (0..40).map(|i| log.inclusion_proof(i, 40).unwrap()).collect();
    let h = |i: usize, proof: usize| HistoryEvidence { entry: &entries[i], entry_index: i as u64, inclusion_proof: &proofs[proof] };
    let check = |history: &[HistoryEvidence]| {
        let evidence =
            RegisterEvidence { checkpoint: &checkpoint, entry: &entries[9], entry_index: 9, inclusion_proof: &proofs[9], application: Some("KZ-9"), history, ..Default::default() };
        verify_register(&verifier(), &evidence)
    };
    let good = check(&[h(12, 12), h(25, 25)]);
    assert_eq!(good.verdict, Verdict::Confirmed, "{:?}", good.problem);
    assert_eq!(good.history.iter().map(|e| e.body.name()).collect::<Vec<_>>(), ["application_accepted", "interest_confirmed", "not_interested"]);
    // Another application's entry slipped in.
    assert_eq!(check(&[h(12, 12), h(20, 20)]).problem.map(|p| p.code()), Some("tlog.application"));
    // Out of order, or twice.
    assert_eq!(check(&[h(25, 25), h(12, 12)]).problem.map(|p| p.code()), Some("tlog.format"));
    assert_eq!(check(&[h(12, 12), h(12, 12)]).problem.map(|p| p.code()), Some("tlog.format"));
    // A proof that does not lead to the root.
    assert_eq!(check(&[h(12, 25)]).problem.map(|p| p.code()), Some("tlog.proof"));
}

#[test]
fn register_confirmed() {
    let w = world();
    for old in [None, Some(31), Some(35), Some(40)] {
        let report = run(&w, &evidence(&w, old, 40));
        assert_eq!(report.verdict, Verdict::Confirmed, "{old:?}: {:?}", report.problem);
        assert_eq!(report.checkpoint.unwrap().size, 40);
        assert_eq!(report.event.unwrap().body.application(), Some("KZ-9"));
        assert!(matches!(report.snapshot_event.unwrap().body, EventBody::SnapshotPublished { log_size: 30, .. }));
    }
}

#[test]
fn register_rewritten_and_truncated() {
    let w = world();
    // The browser saw 40; now it is shown 35: truncated.
    let mut o = evidence(&w, Some(35), 35);
    o.previous = evidence(&w, None, 40).checkpoint.into();
    let report = run(&w, &o);
    assert_eq!(report.verdict, Verdict::Rewritten);
    assert_eq!(report.problem.unwrap().code(), "tlog.truncated");

    // A fork: entry 20 rewritten after the browser saw size 25.
    let mut forked = world();
    forked.entries[20] = Event {
        at: at("2026-11-23T07:00:00+05:00"),
        queue: "almaty/bostandyk/2022".into(),
        body: EventBody::Withdrawn { application: "KZ-20".into() },
    }
    .encode()
    .unwrap();
    forked.log = Log::new();
    for e in &forked.entries {
        forked.log.append(e);
    }
    let mut o = evidence(&forked, Some(32), 40);
    o.previous = Some(evidence(&w, None, 25).checkpoint);
    o.consistency = forked.log.consistency_proof(25, 40).unwrap();
    let report = run(&forked, &o);
    assert_eq!(report.verdict, Verdict::Rewritten);
    assert_eq!(report.problem.unwrap().code(), "tlog.consistency");
}

#[test]
fn register_invalid_for_every_changed_byte() {
    let w = world();
    let o = evidence(&w, Some(33), 40);
    assert_eq!(run(&w, &o).verdict, Verdict::Confirmed);
    // Each single byte of the entry, the snapshot, the snapshot entry and every proof hash.
    let own = w.own_index as usize;
    for i in 0..w.entries[own].len() {
        let mut w2 = world();
        w2.entries[own][i] ^= 0x01;
        assert_ne!(run(&w2, &o).verdict, Verdict::Confirmed, "entry byte {i}");
    }
    for i in 0..w.snapshot.len() {
        let mut w2 = world();
        w2.snapshot[i] ^= 0x01;
        assert_eq!(run(&w2, &o).problem.unwrap().code(), "tlog.snapshot", "snapshot byte {i}");
    }
    let snap = w.snapshot_index as usize;
    for i in 0..w.entries[snap].len() {
        let mut w2 = world();
        w2.entries[snap][i] ^= 0x01;
        assert_ne!(run(&w2, &o).verdict, Verdict::Confirmed, "snapshot entry byte {i}");
    }
    for which in 0..3 {
        let len = [o.inclusion.len(), o.snapshot_inclusion.len(), o.consistency.len()][which];
        for k in 0..len {
            for byte in 0..32 {
                let mut o2 = o.clone();
                let proof = match which {
                    0 => &mut o2.inclusion,
                    1 => &mut o2.snapshot_inclusion,
                    _ => &mut o2.consistency,
                };
                proof[k][byte] ^= 0x80;
                assert_ne!(run(&w, &o2).verdict, Verdict::Confirmed, "proof {which} hash {k} byte {byte}");
            }
        }
    }
    for changed in variants(&o.checkpoint) {
        let o2 = Owned { checkpoint: changed, ..o.clone() };
        assert_ne!(run(&w, &o2).verdict, Verdict::Confirmed);
    }
    for changed in variants(o.previous.as_ref().unwrap()) {
        let o2 = Owned { previous: Some(changed), ..o.clone() };
        assert_ne!(run(&w, &o2).verdict, Verdict::Confirmed);
    }
}

#[test]
fn register_invalid_cases() {
    let w = world();
    let o = evidence(&w, None, 40);
    // Wrong index for the entry.
    let r = verify_register(
        &verifier(),
        &RegisterEvidence { checkpoint: &o.checkpoint, entry: &w.entries[9], entry_index: 10, inclusion_proof: &o.inclusion, ..Default::default() },
    );
    assert_eq!(r.problem.unwrap().code(), "tlog.proof");
    // Somebody else's event.
    let r = verify_register(
        &verifier(),
        &RegisterEvidence {
            checkpoint: &o.checkpoint,
            entry: &w.entries[9],
            entry_index: 9,
            inclusion_proof: &o.inclusion,
            application: Some("KZ-10"),
            ..Default::default()
        },
    );
    assert_eq!(r.problem.unwrap().code(), "tlog.application");
    // A snapshot event pointing at an ordinary event.
    let r = verify_register(
        &verifier(),
        &RegisterEvidence {
            checkpoint: &o.checkpoint,
            entry: &w.entries[9],
            entry_index: 9,
            inclusion_proof: &o.inclusion,
            snapshot: Some(SnapshotEvidence {
                bytes: &w.snapshot,
                entry: &w.entries[9],
                entry_index: 9,
                inclusion_proof: &o.inclusion,
                log_size: None,
            }),
            ..Default::default()
        },
    );
    assert_eq!(r.problem.unwrap().code(), "tlog.snapshot");
    // The snapshot says it reflects another size.
    let mut o2 = evidence(&w, None, 40);
    o2.previous = None;
    let r = verify_register(
        &verifier(),
        &RegisterEvidence {
            checkpoint: &o2.checkpoint,
            entry: &w.entries[9],
            entry_index: 9,
            inclusion_proof: &o2.inclusion,
            snapshot: Some(SnapshotEvidence {
                bytes: &w.snapshot,
                entry: &w.entries[30],
                entry_index: 30,
                inclusion_proof: &o2.snapshot_inclusion,
                log_size: Some(31),
            }),
            ..Default::default()
        },
    );
    assert_eq!(r.problem.unwrap().code(), "tlog.snapshot");
    // A previous checkpoint of another log.
    let other = NoteSigner::new(ORIGIN, &SECRET).unwrap();
    let other_note = other.sign_checkpoint(&Checkpoint::new("kezek.egov.kz/astana/log", 3, w.log.root(3).unwrap())).unwrap();
    let r = verify_register(
        &verifier(),
        &RegisterEvidence {
            checkpoint: &o.checkpoint,
            previous: Some(&other_note),
            entry: &w.entries[9],
            entry_index: 9,
            inclusion_proof: &o.inclusion,
            ..Default::default()
        },
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.problem.unwrap().code(), "tlog.previous");
    // A checkpoint whose origin is not the pinned key's name.
    let astana = other.sign_checkpoint(&Checkpoint::new("kezek.egov.kz/astana/log", 40, w.log.root(40).unwrap())).unwrap();
    let r = verify_register(
        &verifier(),
        &RegisterEvidence { checkpoint: &astana, entry: &w.entries[9], entry_index: 9, inclusion_proof: &o.inclusion, ..Default::default() },
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.problem.unwrap().code(), "tlog.format");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn generated_proofs_verify_and_changed_bytes_fail(
            size in 1u64..=64, index_seed in any::<u64>(), old_seed in any::<u64>(),
            flip_at in any::<usize>(), bit in 0u8..8,
        ) {
            let (log, entries) = log_of(size, "p");
            let index = index_seed % size;
            let old = old_seed % (size + 1);
            let root = log.root(size).unwrap();
            let leaf = leaf_hash(&entries[index as usize]);
            let proof = log.inclusion_proof(index, size).unwrap();
            prop_assert!(verify_inclusion(&leaf, index, size, &proof, &root).is_ok());
            // A changed byte of the entry.
            let mut entry = entries[index as usize].clone();
            let at = flip_at % entry.len();
            entry[at] ^= 1 << bit;
            prop_assert!(verify_inclusion(&leaf_hash(&entry), index, size, &proof, &root).is_err());
            // A changed byte of the root.
            let mut r = root;
            r[flip_at % 32] ^= 1 << bit;
            prop_assert!(verify_inclusion(&leaf, index, size, &proof, &r).is_err());
            // A changed byte of a proof hash.
            if !proof.is_empty() {
                let mut p = proof.clone();
                let k = flip_at % p.len();
                p[k][(flip_at / 7) % 32] ^= 1 << bit;
                prop_assert!(verify_inclusion(&leaf, index, size, &p, &root).is_err());
            }
            let cproof = log.consistency_proof(old, size).unwrap();
            let old_root = log.root(old).unwrap();
            prop_assert!(verify_consistency(old, size, &old_root, &root, &cproof).is_ok());
            if !cproof.is_empty() {
                let mut p = cproof.clone();
                let k = flip_at % p.len();
                p[k][(flip_at / 7) % 32] ^= 1 << bit;
                prop_assert!(verify_consistency(old, size, &old_root, &root, &p).is_err());
                let mut r = old_root;
                r[flip_at % 32] ^= 1 << bit;
                prop_assert!(verify_consistency(old, size, &r, &root, &cproof).is_err());
            }
        }

        #[test]
        fn larger_logs_agree_with_the_definition(size in 65u64..2000, a in any::<u64>(), b in any::<u64>()) {
            let (log, entries) = log_of(size, "L");
            let new = 1 + a % size;
            let old = b % (new + 1);
            let index = b % new;
            prop_assert_eq!(log.root(new).unwrap(), mth(&entries[..new as usize]));
            let proof = log.inclusion_proof(index, new).unwrap();
            prop_assert!(proof.len() <= 11);
            prop_assert!(verify_inclusion(&leaf_hash(&entries[index as usize]), index, new, &proof, &log.root(new).unwrap()).is_ok());
            let proof = log.consistency_proof(old, new).unwrap();
            prop_assert!(verify_consistency(old, new, &log.root(old).unwrap(), &log.root(new).unwrap(), &proof).is_ok());
        }

        #[test]
        fn changed_signature_bytes_fail(flip_at in any::<usize>(), bit in 0u8..8) {
            let s = signer();
            let body = Checkpoint::new(ORIGIN, 8, h(ROOTS[8])).to_body();
            let line = s.signature_line(&body);
            let sig64 = line.trim_end().rsplit(' ').next().unwrap();
            let mut sig = crate::tlog::base64::decode(sig64).unwrap();
            let at = flip_at % sig.len();
            sig[at] ^= 1 << bit;
            let note = format!("{body}\n— {ORIGIN} {}\n", crate::tlog::base64::encode(&sig));
            prop_assert!(verifier().verify_checkpoint(&note).is_err());
        }

        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Event::decode(&bytes);
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = Note::parse(&text);
                let _ = Verifier::parse(&text);
                let _ = crate::tlog::base64::decode(&text);
            }
        }
    }
}

/// The benchmark fixture (a log of 10,000,000 entries, `examples/tlog_fixture.rs`) verifies,
/// and its proofs are as short as the tree's height says.
#[test]
fn bench_fixture_verifies() {
    let f: serde_json::Value = serde_json::from_str(include_str!("../../bench/tlog-fixture.json")).unwrap();
    let text = |k: &str| f[k].as_str().unwrap().to_owned();
    let proof = |k: &str| -> Vec<Hash> { f[k].as_array().unwrap().iter().map(|h| base64::decode_hash(h.as_str().unwrap()).unwrap()).collect() };
    let bytes = |k: &str| base64::decode(&text(k)).unwrap();
    let (inclusion, snapshot_inclusion, consistency) = (proof("inclusionProof"), proof("snapshotInclusionProof"), proof("consistencyProof"));
    assert!(inclusion.len() <= 24 && snapshot_inclusion.len() <= 24 && consistency.len() <= 48);
    let (entry, snapshot, snapshot_entry) = (bytes("entry"), bytes("snapshot"), bytes("snapshotEntry"));
    let (checkpoint, previous) = (text("checkpoint"), text("previousCheckpoint"));
    let verifier = Verifier::parse(&text("verifierKey")).unwrap();
    let report = verify_register(
        &verifier,
        &RegisterEvidence {
            checkpoint: &checkpoint,
            previous: Some(&previous),
            consistency_proof: &consistency,
            entry: &entry,
            entry_index: f["entryIndex"].as_u64().unwrap(),
            inclusion_proof: &inclusion,
            application: f["application"].as_str(),
            snapshot: Some(SnapshotEvidence {
                bytes: &snapshot,
                entry: &snapshot_entry,
                entry_index: f["snapshotEntryIndex"].as_u64().unwrap(),
                inclusion_proof: &snapshot_inclusion,
                log_size: f["snapshotLogSize"].as_u64(),
            }),
            history: &[],
        },
    );
    assert_eq!(report.verdict, Verdict::Confirmed, "{:?}", report.problem);
    assert_eq!(report.checkpoint.unwrap().size, 10_000_000);
}
