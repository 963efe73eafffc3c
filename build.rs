//! Writes the catalogs' key list, `$OUT_DIR/i18n_keys.rs` (`KEY_LINES`, `KEY_COUNT`, and the keys'
//! hashes `KEY_HASHES`, checked distinct), from the
//! Kazakh catalog (`src/i18n/kk.rs`, the reference language). Every build carries the keys, even
//! one without the catalogs (the browser package): a catalog document (`i18n/<lang>.json`) is
//! then only its texts, in this order, which keeps the keys out of each language's download (see
//! `src/i18n`).

#[allow(dead_code)]
#[path = "src/i18n/kk.rs"]
mod kk;

#[path = "src/i18n/key_hash.rs"]
mod key_hash;

fn main() {
    println!("cargo:rerun-if-changed=src/i18n/kk.rs");
    println!("cargo:rerun-if-changed=src/i18n/key_hash.rs");
    // One string, a key a line: a list of `&str` would add a pointer and a length per key.
    let keys: Vec<&str> = kk::CATALOG.iter().map(|(key, _)| *key).collect();
    assert!(keys.iter().all(|k| !k.is_empty() && !k.contains('\n')), "a catalog key is one non-empty line");
    let hashes: Vec<u32> = keys.iter().map(|k| key_hash::key_hash(k)).collect();
    let mut distinct = hashes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), hashes.len(), "two catalog keys share a hash (src/i18n/key_hash.rs): rename one");
    let out = format!(
        "/// Every catalog key, a key a line, in the order of the catalog documents (written by build.rs).\n\
         pub static KEY_LINES: &str = {:?};\n\
         /// How many keys [`KEY_LINES`] holds.\n\
         pub const KEY_COUNT: usize = {};\n\
         /// The keys' hashes (`key_hash`), in the same order: what the browser package carries.\n\
         pub static KEY_HASHES: [u32; {}] = {:?};\n",
        keys.join("\n"),
        keys.len(),
        keys.len(),
        hashes
    );
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("i18n_keys.rs"), out).expect("OUT_DIR is writable");
}
