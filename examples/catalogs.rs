//! Writes the package's language catalogs, `<dir>/kk.json`, `ru.json` and `en.json`, from the
//! catalogs compiled into the crate (`kezek::i18n::catalog_json`). Run by `scripts/build.sh`:
//! `cargo run --example catalogs -- pkg/i18n`.

use kezek::i18n::{package_catalog_json, Lang};
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "pkg/i18n".to_owned()));
    std::fs::create_dir_all(&dir)?;
    for lang in Lang::ALL {
        std::fs::write(dir.join(format!("{}.json", lang.code())), package_catalog_json(lang))?;
    }
    Ok(())
}
