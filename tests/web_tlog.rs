//! Browser tests of the public-register exports: `verifyCheckpoint`, `verifyInclusion`,
//! `verifyConsistency`, `decodeEvent` and `verifyRegister` (the first and last asynchronous:
//! they return promises: their Ed25519 checks are WebCrypto's).
//! Run by `wasm-pack test --headless --chrome` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use kezek::tlog::base64::encode as b64;
use kezek::tlog::{Checkpoint, Commitment, Event, EventBody, Log, NoteSigner, sha256};
use kezek::wasm::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ORIGIN: &str = "kezek.egov.kz/almaty/log";
const QUEUE: &str = "almaty/bostandyk/2022";
const SNAPSHOT: &[u8] = b"{\"queue\":\"almaty/bostandyk/2022\",\"logSize\":30,\"positions\":[]}";

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

/// What a promise settles with: its value, or its rejection as the error.
async fn settled(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise).await
}

fn code_of(error: JsValue) -> String {
    assert!(error.is_instance_of::<js_sys::Error>(), "a JS Error is thrown");
    get(&error, "code").as_string().unwrap()
}

fn strings(items: &[[u8; 32]]) -> JsValue {
    items.iter().map(|h| JsValue::from_str(&b64(h))).collect::<js_sys::Array>().into()
}

fn signer() -> NoteSigner {
    NoteSigner::new(ORIGIN, &[7; 32]).unwrap()
}

/// 40 events: the citizen's (KZ-9) at 9, a snapshot of the first 30 entries at 30.
fn world() -> (Log, Vec<Vec<u8>>) {
    let at = kezek::calendar::parse_instant("2026-11-23T07:00:00+05:00").unwrap();
    let mut log = Log::new();
    let mut entries = Vec::new();
    for i in 0..40u64 {
        let body = match i {
            9 => EventBody::ApplicationAccepted { application: "KZ-9".into(), details: Commitment::new(&[3; 32], b"x"), awaiting_originals: false },
            30 => EventBody::SnapshotPublished { digest: sha256(SNAPSHOT), log_size: 30 },
            _ => EventBody::InterestConfirmed { application: format!("KZ-{i}") },
        };
        let bytes = Event { at, queue: QUEUE.into(), body }.encode().unwrap();
        log.append(&bytes);
        entries.push(bytes);
    }
    (log, entries)
}

fn note(log: &Log, size: u64) -> String {
    signer().sign_checkpoint(&Checkpoint::new(ORIGIN, size, log.root(size).unwrap())).unwrap()
}

#[wasm_bindgen_test]
async fn verify_checkpoint_reads_a_signed_checkpoint() {
    let (log, _) = world();
    let cp: JsValue = settled(verify_checkpoint(s(&note(&log, 40)), s(&signer().vkey()), JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(text(&cp, "origin"), ORIGIN);
    assert_eq!(get(&cp, "size").as_f64(), Some(40.0));
    assert_eq!(text(&cp, "rootHash"), b64(&log.root(40).unwrap()));
    assert_eq!(js_sys::Array::from(&get(&cp, "extensions")).length(), 0);
}

#[wasm_bindgen_test]
async fn verify_checkpoint_throws_coded_errors() {
    let (log, _) = world();
    let good = note(&log, 40);
    let vkey = signer().vkey();
    let other = NoteSigner::new(ORIGIN, &[8; 32]).unwrap().sign_checkpoint(&Checkpoint::new(ORIGIN, 40, log.root(40).unwrap())).unwrap();
    assert_eq!(code_of(settled(verify_checkpoint(s(&other), s(&vkey), JsValue::UNDEFINED)).await.err().unwrap()), "tlog.signature");
    assert_eq!(code_of(settled(verify_checkpoint(s(&good.replace("\n40\n", "\n41\n")), s(&vkey), JsValue::UNDEFINED)).await.err().unwrap()), "tlog.signature");
    assert_eq!(code_of(settled(verify_checkpoint(s("not a note"), s(&vkey), JsValue::UNDEFINED)).await.err().unwrap()), "tlog.format");
    assert_eq!(code_of(settled(verify_checkpoint(s(&good), s("nonsense"), JsValue::UNDEFINED)).await.err().unwrap()), "tlog.key");
    assert_eq!(code_of(settled(verify_checkpoint(JsValue::from_f64(1.0), s(&vkey), JsValue::UNDEFINED)).await.err().unwrap()), "arg.type");
    assert_eq!(code_of(settled(verify_checkpoint(s(&good), JsValue::NULL, JsValue::UNDEFINED)).await.err().unwrap()), "arg.type");
}

#[wasm_bindgen_test]
fn verify_inclusion_and_consistency() {
    let (log, entries) = world();
    let root = b64(&log.root(40).unwrap());
    let proof = log.inclusion_proof(9, 40).unwrap();
    assert!(verify_inclusion(s(&b64(&entries[9])), 9.0, 40.0, strings(&proof), s(&root)).unwrap());
    assert!(!verify_inclusion(s(&b64(&entries[9])), 10.0, 40.0, strings(&proof), s(&root)).unwrap());
    assert!(!verify_inclusion(s(&b64(&entries[8])), 9.0, 40.0, strings(&proof), s(&root)).unwrap());
    let mut bad = proof.clone();
    bad[2][31] ^= 1;
    assert!(!verify_inclusion(s(&b64(&entries[9])), 9.0, 40.0, strings(&bad), s(&root)).unwrap());
    assert!(!verify_inclusion(s(&b64(&entries[9])), 9.0, 40.0, strings(&vec![[0; 32]; 65]), s(&root)).unwrap());
    assert_eq!(code_of(verify_inclusion(s("%%"), 9.0, 40.0, strings(&proof), s(&root)).err().unwrap()), "tlog.format");
    assert_eq!(code_of(verify_inclusion(s(&b64(&entries[9])), 9.5, 40.0, strings(&proof), s(&root)).err().unwrap()), "tlog.format");
    assert_eq!(code_of(verify_inclusion(s(&b64(&entries[9])), -1.0, 40.0, strings(&proof), s(&root)).err().unwrap()), "tlog.format");
    assert_eq!(code_of(verify_inclusion(s(&b64(&entries[9])), 9.0, 40.0, s("x"), s(&root)).err().unwrap()), "arg.type");
    assert_eq!(code_of(verify_inclusion(s(&b64(&entries[9])), 9.0, 40.0, strings(&proof), s("AAAA")).err().unwrap()), "tlog.format");

    let cproof = log.consistency_proof(25, 40).unwrap();
    let old = b64(&log.root(25).unwrap());
    assert!(verify_consistency(25.0, 40.0, s(&old), s(&root), strings(&cproof)).unwrap());
    assert!(!verify_consistency(26.0, 40.0, s(&old), s(&root), strings(&cproof)).unwrap());
    assert!(!verify_consistency(40.0, 25.0, s(&root), s(&old), strings(&[])).unwrap(), "truncated");
    assert!(!verify_consistency(25.0, 40.0, s(&root), s(&root), strings(&cproof)).unwrap());
}

#[wasm_bindgen_test]
fn decode_event_reads_entries() {
    let (_, entries) = world();
    let e: JsValue = decode_event(s(&b64(&entries[9]))).unwrap().into();
    assert_eq!(text(&e, "kind"), "application_accepted");
    assert_eq!(text(&e, "application"), "KZ-9");
    assert_eq!(text(&e, "queue"), QUEUE);
    assert_eq!(text(&e, "at"), "2026-11-23T07:00:00+05:00");
    assert_eq!(text(&e, "commitment"), b64(&Commitment::new(&[3; 32], b"x").0));
    assert!(get(&e, "referral").is_undefined());
    let snap: JsValue = decode_event(s(&b64(&entries[30]))).unwrap().into();
    assert_eq!(text(&snap, "kind"), "snapshot_published");
    assert_eq!(get(&snap, "logSize").as_f64(), Some(30.0));
    assert_eq!(code_of(decode_event(s(&b64(b"\x02\x01"))).err().unwrap()), "tlog.format");
}

/// A `RegisterInput` for the citizen's event and the snapshot at checkpoint `new`, having seen
/// `old` before.
fn input(log: &Log, entries: &[Vec<u8>], old: Option<u64>, new: u64, lang: &str) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &v).unwrap();
    };
    set("checkpoint", s(&note(log, new)));
    set("verifierKey", s(&signer().vkey()));
    if let Some(old) = old {
        set("previousCheckpoint", s(&note(log, old)));
        set("consistencyProof", strings(&log.consistency_proof(old, new).unwrap()));
    }
    set("entry", s(&b64(&entries[9])));
    set("entryIndex", JsValue::from_f64(9.0));
    set("inclusionProof", strings(&log.inclusion_proof(9, new).unwrap()));
    set("application", s("KZ-9"));
    set("snapshot", js_sys::Uint8Array::from(SNAPSHOT).into());
    set("snapshotEntry", s(&b64(&entries[30])));
    set("snapshotEntryIndex", JsValue::from_f64(30.0));
    set("snapshotInclusionProof", strings(&log.inclusion_proof(30, new).unwrap()));
    set("snapshotLogSize", JsValue::from_f64(30.0));
    set("lang", s(lang));
    o.into()
}

fn with(input: &JsValue, key: &str, value: JsValue) -> JsValue {
    let copy = js_sys::Object::assign(&js_sys::Object::new(), input.unchecked_ref());
    js_sys::Reflect::set(&copy, &JsValue::from_str(key), &value).unwrap();
    copy.into()
}

#[wasm_bindgen_test]
async fn verify_register_confirms_in_three_languages() {
    let (log, entries) = world();
    let en: JsValue = settled(verify_register(input(&log, &entries, Some(33), 40, "en"))).await.unwrap();
    assert_eq!(text(&en, "verdict"), "confirmed");
    assert_eq!(text(&en, "message"), "Your queue number is confirmed by the public register as of 23.11.2026, 07:00 (Astana time).");
    assert_eq!(text(&en, "asOf"), "2026-11-23T07:00:00+05:00");
    assert!(get(&en, "code").is_undefined());
    assert_eq!(get(&get(&en, "checkpoint"), "size").as_f64(), Some(40.0));
    assert_eq!(text(&get(&en, "event"), "application"), "KZ-9");
    let ru: JsValue = settled(verify_register(input(&log, &entries, None, 40, "ru"))).await.unwrap();
    assert_eq!(text(&ru, "message"), "Ваш порядковый номер в очереди подтверждён публичным реестром по состоянию на 23.11.2026, 07:00 (время Астаны).");
    let kk: JsValue = settled(verify_register(input(&log, &entries, None, 40, "kk"))).await.unwrap();
    assert!(text(&kk, "message").contains("ашық тізілім"), "{}", text(&kk, "message"));

    // Without a snapshot: the event's record number.
    let i = input(&log, &entries, None, 40, "en");
    for k in ["snapshot", "snapshotEntry", "snapshotEntryIndex", "snapshotInclusionProof", "snapshotLogSize"] {
        js_sys::Reflect::delete_property(i.unchecked_ref::<js_sys::Object>(), &JsValue::from_str(k)).unwrap();
    }
    let r: JsValue = settled(verify_register(i)).await.unwrap();
    assert_eq!(text(&r, "verdict"), "confirmed");
    assert_eq!(text(&r, "message"), "Your application is recorded in the public register: record 10 of 40.");
}

#[wasm_bindgen_test]
async fn verify_register_detects_rewrites_and_tampering() {
    let (log, entries) = world();
    let base = input(&log, &entries, Some(33), 40, "en");
    async fn verdict(i: JsValue) -> (String, String) {
        let r: JsValue = settled(verify_register(i)).await.unwrap();
        (text(&r, "verdict"), get(&r, "code").as_string().unwrap_or_default())
    }
    // Truncated: the browser saw 40, now it is shown 35.
    let truncated = with(&input(&log, &entries, None, 35, "en"), "previousCheckpoint", s(&note(&log, 40)));
    assert_eq!(verdict(truncated).await, ("rewritten".into(), "tlog.truncated".into()));
    // A fork: entry 20 rewritten after the browser saw 25.
    let mut forked_entries = entries.clone();
    forked_entries[20] = Event {
        at: kezek::calendar::parse_instant("2026-11-23T07:00:00+05:00").unwrap(),
        queue: QUEUE.into(),
        body: EventBody::Withdrawn { application: "KZ-20".into() },
    }
    .encode()
    .unwrap();
    let forked = Log::from_leaf_hashes(forked_entries.iter().map(|e| kezek::tlog::leaf_hash(e)));
    let fork = with(&input(&forked, &forked_entries, Some(25), 40, "en"), "previousCheckpoint", s(&note(&log, 25)));
    let r: JsValue = settled(verify_register(fork)).await.unwrap();
    assert_eq!(text(&r, "verdict"), "rewritten");
    assert_eq!(text(&r, "code"), "tlog.consistency");
    assert!(text(&r, "message").starts_with("Warning: the public register is not the one"));
    // A changed snapshot, entry, proof or checkpoint.
    let mut snapshot = SNAPSHOT.to_vec();
    snapshot[5] ^= 1;
    assert_eq!(verdict(with(&base, "snapshot", js_sys::Uint8Array::from(&snapshot[..]).into())).await, ("invalid".into(), "tlog.snapshot".into()));
    let mut entry = entries[9].clone();
    entry[20] ^= 1;
    assert_eq!(verdict(with(&base, "entry", s(&b64(&entry)))).await.0, "invalid");
    let mut proof = log.inclusion_proof(9, 40).unwrap();
    proof[0][0] ^= 1;
    assert_eq!(verdict(with(&base, "inclusionProof", strings(&proof))).await, ("invalid".into(), "tlog.proof".into()));
    assert_eq!(verdict(with(&base, "checkpoint", s(&note(&log, 40).replace("\n40\n", "\n39\n")))).await, ("invalid".into(), "tlog.signature".into()));
    assert_eq!(verdict(with(&base, "application", s("KZ-10"))).await, ("invalid".into(), "tlog.application".into()));
    assert_eq!(verdict(with(&base, "entry", s("not base64"))).await, ("invalid".into(), "tlog.format".into()));
    // The page's own mistakes throw.
    assert_eq!(code_of(settled(verify_register(with(&base, "verifierKey", s("bad")))).await.err().unwrap()), "tlog.key");
    assert_eq!(code_of(settled(verify_register(s("not an object"))).await.err().unwrap()), "arg.type");
    assert_eq!(code_of(settled(verify_register(with(&base, "entryIndex", s("9")))).await.err().unwrap()), "arg.type");
}

/// Replaces `SubtleCrypto.prototype.importKey` for the time of `body` (restored before the
/// caller asserts anything, so a failure here does not break the other tests): a browser
/// without Ed25519 in WebCrypto (`NotSupportedError`) or, with `"undefined"`, without WebCrypto.
async fn without_ed25519<T, F: std::future::Future<Output = T>>(how: &str, body: F) -> T {
    let replace = js_sys::Function::new_with_args(
        "how",
        "const p = SubtleCrypto.prototype; globalThis.__kezekImportKey = p.importKey; \
         p.importKey = how === 'undefined' ? undefined : function () { return Promise.reject(new DOMException('Ed25519', 'NotSupportedError')); };",
    );
    let restore = js_sys::Function::new_no_args("SubtleCrypto.prototype.importKey = globalThis.__kezekImportKey;");
    replace.call1(&JsValue::NULL, &s(how)).unwrap();
    let out = body.await;
    restore.call0(&JsValue::NULL).unwrap();
    out
}

#[wasm_bindgen_test]
async fn without_ed25519_in_webcrypto_nothing_is_confirmed() {
    let (log, entries) = world();
    let other = NoteSigner::new(ORIGIN, &[8; 32]).unwrap().sign_checkpoint(&Checkpoint::new(ORIGIN, 40, log.root(40).unwrap())).unwrap();
    for how in ["reject", "undefined"] {
        let outcomes = without_ed25519(how, async {
            let mut outcomes = Vec::new();
            for lang in ["en", "ru", "kk"] {
                outcomes.push((lang, settled(verify_register(input(&log, &entries, Some(33), 40, lang))).await));
                outcomes.push((lang, settled(verify_checkpoint(s(&note(&log, 40)), s(&signer().vkey()), s(lang))).await));
            }
            // A note without the pinned key's signature needs no Ed25519: still its own error.
            (outcomes, settled(verify_checkpoint(s(&other), s(&signer().vkey()), JsValue::UNDEFINED)).await)
        })
        .await;
        let (outcomes, unsigned) = outcomes;
        for (lang, outcome) in outcomes {
            let error = outcome.err().unwrap_or_else(|| panic!("{how} {lang}: confirmed without Ed25519"));
            assert_eq!(code_of(error.clone()), "register.unverifiable");
            let start = match lang {
                "en" => "This browser cannot check",
                "ru" => "Этот браузер не умеет",
                _ => "Бұл браузер",
            };
            let message = get(&error, "message").as_string().unwrap();
            assert!(message.starts_with(&format!("register.unverifiable: {start}")), "{message}");
        }
        assert_eq!(code_of(unsigned.err().unwrap()), "tlog.signature");
    }
    // Restored: confirmed again.
    let r: JsValue = settled(verify_register(input(&log, &entries, Some(33), 40, "en"))).await.unwrap();
    assert_eq!(text(&r, "verdict"), "confirmed");
}
