//! Browser tests of the queue tracker's JavaScript API:
//! `wasm-pack test --headless --chrome -- --test web_queue`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use kezek::wasm::{encode_snapshot, order_queue, referral_deadline, status_view, QueueEntry, QueueSnapshot};
use tsify::Ts;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

const NONE: JsValue = JsValue::UNDEFINED;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn entries(json: &str) -> Vec<Ts<QueueEntry>> {
    js_sys::Array::from(&js(json)).iter().map(Ts::new_unchecked).collect()
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).map(String::from).unwrap_or_default()
}

fn code(error: JsValue) -> String {
    assert!(error.is_instance_of::<js_sys::Error>(), "an Error is thrown");
    Reflect::get(&error, &"code".into()).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

const QUEUE: &str = r#"[
  {"number":"500","submittedAt":"2026-01-01T10:00:05Z","class":"general","state":"queued"},
  {"number":"100","submittedAt":"2026-01-01T10:00:00Z","class":"priority","state":"queued"},
  {"number":"200","submittedAt":"2026-01-01T10:00:01Z","class":"general","state":"queued"},
  {"number":"300","submittedAt":"2026-01-01T10:00:02.900Z","class":"general","state":"temporary_stay"},
  {"number":"301","submittedAt":"2026-01-01T10:00:02Z","class":"general","state":"queued"},
  {"number":"600","submittedAt":"2026-01-01T10:00:06Z","class":"priority","state":"queued"},
  {"number":"700","submittedAt":"2026-01-01T15:00:00+05:00","class":"extraordinary","state":"queued"},
  {"number":"800","submittedAt":"2025-01-01T00:00:00Z","class":"general","state":"referred"},
  {"number":"900","submittedAt":"2025-01-01T00:00:00Z","class":"priority","state":"stop_listed"}
]"#;

#[wasm_bindgen_test]
fn order_queue_interleaves() {
    // 700 is extraordinary; then P G G G P G; 300 and 301 share a second, so 300 goes first;
    // 800 (referred) and 900 (stop-listed) hold no place.
    let order = order_queue(entries(QUEUE)).unwrap();
    assert_eq!(order, ["700", "100", "200", "300", "301", "600", "500"]);
}

#[wasm_bindgen_test]
fn order_queue_rejects_bad_entries_with_codes() {
    let bad_number = r#"[{"number":"0123","submittedAt":"2026-01-01T10:00:00Z","class":"general","state":"queued"}]"#;
    assert_eq!(code(order_queue(entries(bad_number)).unwrap_err()), "number.format");
    let bad_instant = r#"[{"number":"1","submittedAt":"yesterday","class":"general","state":"queued"}]"#;
    assert_eq!(code(order_queue(entries(bad_instant)).unwrap_err()), "instant.format");
    let bad_class = r#"[{"number":"1","submittedAt":"2026-01-01T10:00:00Z","class":"vip","state":"queued"}]"#;
    assert_eq!(code(order_queue(entries(bad_class)).unwrap_err()), "queue.entry");
    assert_eq!(code(order_queue(entries(r#"[42, null, "x"]"#)).unwrap_err()), "queue.entry");
}

#[wasm_bindgen_test]
fn snapshot_round_trip_and_positions() {
    let bytes = encode_snapshot(entries(QUEUE), s("751110000-2021-general"), s("2026-11-22T13:00:00Z"), JsValue::from_f64(12345.0)).unwrap();
    let snapshot = QueueSnapshot::from_bytes(&bytes).unwrap();
    assert_eq!(snapshot.len(), 9);
    assert_eq!(snapshot.queue_key().as_deref(), Some("751110000-2021-general"));
    assert_eq!(snapshot.published_at(), "2026-11-22T18:00:00+05:00");
    assert_eq!(snapshot.log_size(), 12345.0);
    let position = snapshot.position(s("600")).unwrap().unwrap();
    assert_eq!(stringify(&position.js_value()), r#"{"queueNumber":6,"ahead":{"extraordinary":1,"priority":1,"general":3},"inNextWindow":true}"#);
    // Not live, or not listed: no place.
    assert!(snapshot.position(s("800")).unwrap().is_none());
    assert!(snapshot.position(s("12345")).unwrap().is_none());
    assert_eq!(snapshot.state(s("800")).unwrap().map(|s| stringify(&s.js_value())).as_deref(), Some("\"referred\""));
    assert_eq!(code(snapshot.position(s("abc")).err().unwrap()), "number.format");
    // Every live entry's queue number is its index in orderQueue.
    for (i, number) in order_queue(entries(QUEUE)).unwrap().iter().enumerate() {
        let p = stringify(&snapshot.position(s(number)).unwrap().unwrap().js_value());
        assert!(p.starts_with(&format!("{{\"queueNumber\":{},", i + 1)), "{number}: {p}");
    }
}

#[wasm_bindgen_test]
fn bad_snapshots_throw_coded_errors() {
    let bytes = encode_snapshot(entries(QUEUE), NONE, NONE, NONE).unwrap();
    assert_eq!(code(QueueSnapshot::from_bytes(b"").err().unwrap()), "snapshot.truncated");
    assert_eq!(code(QueueSnapshot::from_bytes(b"PK\x03\x04 not a snapshot").err().unwrap()), "snapshot.magic");
    assert_eq!(code(QueueSnapshot::from_bytes(b"KZQS\x09\x00").err().unwrap()), "snapshot.version");
    assert_eq!(code(QueueSnapshot::from_bytes(&bytes[..bytes.len() - 3]).err().unwrap()), "snapshot.truncated");
    // Every truncation and every single-byte corruption either decodes or throws; none traps.
    for cut in 0..bytes.len() {
        assert!(QueueSnapshot::from_bytes(&bytes[..cut]).is_err());
    }
    for at in 0..bytes.len() {
        let mut mutated = bytes.clone();
        mutated[at] ^= 0xA5;
        if let Ok(snapshot) = QueueSnapshot::from_bytes(&mutated) {
            let _ = snapshot.position(s("600"));
        }
    }
    let duplicate = r#"[{"number":"1","submittedAt":"2026-01-01T10:00:00Z","class":"general","state":"queued"},{"number":"1","submittedAt":"2026-01-02T10:00:00Z","class":"general","state":"queued"}]"#;
    assert_eq!(code(encode_snapshot(entries(duplicate), NONE, NONE, NONE).unwrap_err()), "snapshot.duplicate");
    assert_eq!(code(encode_snapshot(entries(QUEUE), s("nowhere"), NONE, NONE).unwrap_err()), "queue.key");
}

#[wasm_bindgen_test]
fn referral_deadline_across_the_zone_change() {
    assert_eq!(referral_deadline(s("2024-02-27T10:00:00+06:00")).unwrap(), "2024-03-06T00:00:00+05:00");
    assert_eq!(referral_deadline(s("2026-11-23T05:00:00Z")).unwrap(), "2026-12-01T00:00:00+05:00");
    assert_eq!(code(referral_deadline(s("2026-11-23")).unwrap_err()), "instant.format");
}

#[wasm_bindgen_test]
fn status_view_of_a_referral() {
    let status = Ts::new_unchecked(js(r#"{"state":"referred","issuedAt":"2026-11-23T10:00:00+05:00"}"#));
    let view = status_view(status, s("2026-11-23T10:30:00+05:00"), s("en")).unwrap();
    let view = view.js_value();
    let get = |key: &str| Reflect::get(&view, &key.into()).unwrap();
    assert_eq!(get("state").as_string().as_deref(), Some("referred"));
    assert_eq!(get("deadline").as_string().as_deref(), Some("2026-12-01T00:00:00+05:00"));
    assert_eq!(stringify(&get("timeLeft")), r#"{"unit":"working_days","days":5,"hours":13,"text":"Working days left: 5, hours: 13"}"#);
    let kk = status_view(Ts::new_unchecked(js(r#"{"state":"queued"}"#)), s("2026-11-22T08:00:00+05:00"), NONE).unwrap();
    assert_eq!(Reflect::get(&kk.js_value(), &"title".into()).unwrap().as_string().as_deref(), Some("Кезекте тұр"));
    let bad = Ts::new_unchecked(js(r#"{"state":"referred","issuedAt":"soon"}"#));
    assert_eq!(code(status_view(bad, s("2026-11-23T10:30:00+05:00"), NONE).unwrap_err()), "status.format");
    let unknown = Ts::new_unchecked(js(r#"{"state":"teleported"}"#));
    assert_eq!(code(status_view(unknown, s("2026-11-23T10:30:00+05:00"), NONE).unwrap_err()), "status.format");
}

#[wasm_bindgen_test]
fn the_providers_policy_moves_the_times_the_page_shows() {
    let queued = || Ts::new_unchecked(js(r#"{"state":"queued","interested":true}"#));
    let next_window = |view: JsValue| {
        let events = js_sys::Array::from(&Reflect::get(&view, &"nextEvents".into()).unwrap());
        events.iter().map(|e| Reflect::get(&e, &"at".into()).unwrap().as_string().unwrap()).collect::<Vec<_>>()
    };
    let before = next_window(status_view(queued(), s("2026-11-22T08:00:00+05:00"), s("en")).unwrap().js_value());
    assert_eq!(before, ["2026-11-22T18:00:00+05:00", "2026-11-23T07:00:00+05:00"]);
    kezek::wasm::load_policy(s(r#"{ "windowOpensAt": "09:30", "bulletinAt": "20:00" }"#)).unwrap();
    let after = next_window(status_view(queued(), s("2026-11-22T08:00:00+05:00"), s("en")).unwrap().js_value());
    assert_eq!(after, ["2026-11-22T20:00:00+05:00", "2026-11-23T09:30:00+05:00"]);
    assert_eq!(code(kezek::wasm::load_policy(s(r#"{ "windowOpensAt": "25:00" }"#)).unwrap_err()), "policy.format");
    // Back to the Rules for the other tests of this module.
    kezek::wasm::load_policy(s("{}")).unwrap();
}

#[wasm_bindgen_test]
fn moments_are_written_as_the_pages_write_them_and_an_early_booking_referral_counts_from_its_day() {
    // The operator page shows the backend's instants (arrival, confirm-by) this way.
    assert_eq!(kezek::wasm::format_moment(s("2026-11-23T05:35:00Z"), s("en")).unwrap(), "23.11.2026, 10:35 (Astana time)");
    assert_eq!(kezek::wasm::format_moment(s("2026-12-01T00:00:00+05:00"), s("en")).unwrap(), "30.11.2026, 23:59 (Astana time)");
    assert_eq!(code(kezek::wasm::format_moment(s("yesterday"), NONE).unwrap_err()), "instant.format");
    // Rule 3.6: a referral to an early-booking seat counts its 5 working days from the free day.
    let booked = Ts::new_unchecked(js(r#"{"state":"referred","issuedAt":"2026-11-23T09:00:00+05:00","countsFrom":"2026-12-01"}"#));
    let view = status_view(booked, s("2026-11-24T10:00:00+05:00"), s("en")).unwrap().js_value();
    assert_eq!(Reflect::get(&view, &"deadline".into()).unwrap().as_string().as_deref(), Some("2026-12-09T00:00:00+05:00"));
}
