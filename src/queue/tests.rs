use super::snapshot::{encode, Header, Snapshot, SnapshotError, MAX_COUNT};
use super::*;

/// Lookups in tests: a duplicate (never encoded here) would fail the test.
trait Lookups {
    fn position_ok(&self, number: ApplicationNumber) -> Option<Position>;
    fn state_ok(&self, number: ApplicationNumber) -> Option<State>;
}

impl Lookups for Snapshot {
    fn position_ok(&self, number: ApplicationNumber) -> Option<Position> {
        self.position(number).unwrap()
    }
    fn state_ok(&self, number: ApplicationNumber) -> Option<State> {
        self.state(number).unwrap()
    }
}
use proptest::prelude::*;

fn n(value: u64) -> ApplicationNumber {
    ApplicationNumber::new(value).unwrap()
}

fn e(number: u64, at: i64, class: Class) -> Entry {
    Entry { number: n(number), submitted_at: at, class, state: State::Queued }
}

fn numbers(entries: &[Entry], policy: &OrderPolicy) -> Vec<u64> {
    order(entries, policy).iter().map(|e| e.number.get()).collect()
}

fn key() -> QueueKey {
    QueueKey::parse("751110000-2021-general").unwrap()
}

fn header() -> Header {
    Header { key: Some(key()), published_at: 1_763_800_000, log_size: 0 }
}

use Class::{Extraordinary as E, General as G, Priority as P};

// --- application numbers ---

#[test]
fn application_number_format() {
    assert_eq!(ApplicationNumber::parse("418207733190452").unwrap().get(), 418_207_733_190_452);
    assert_eq!(ApplicationNumber::parse("1").unwrap().to_string(), "1");
    assert_eq!(ApplicationNumber::parse("999999999999999").unwrap().get(), ApplicationNumber::MAX);
    for bad in ["", "0", "012", "1000000000000000", "12a", " 12", "-1", "+1", "１２"] {
        assert_eq!(ApplicationNumber::parse(bad), Err(NumberError), "{bad:?}");
    }
    assert!(ApplicationNumber::new(0).is_none());
    assert!(ApplicationNumber::new(ApplicationNumber::MAX + 1).is_none());
}

// --- queue keys ---

#[test]
fn queue_key_round_trips_and_rejects() {
    for text in ["751110000-2021-general", "751110000-2020-special-kg0042-speech", "511010000-2022-sanatorium-kg_7-tb_prevention"] {
        assert_eq!(QueueKey::parse(text).unwrap().to_string(), text);
    }
    let key = QueueKey::parse("751110000-2020-special-kg0042-speech").unwrap();
    assert_eq!(key.locality(), 751_110_000);
    assert_eq!(key.kind(), &QueueKind::Special { kindergarten: Token::new("kg0042").unwrap(), disorder: Token::new("speech").unwrap() });
    for bad in [
        "",
        "751110000-2021",
        "75111000-2021-general",
        "751110000-21-general",
        "751110000-2021-General",
        "751110000-2021-general-x",
        "751110000-2021-special-kg",
        "751110000-2021-special-KG-speech",
        "751110000-1899-general",
        "051110000-2021-general",
        "751110000-2021-sanatorium-a-b-c",
    ] {
        assert_eq!(QueueKey::parse(bad).map_err(|e| e.code()), Err("queue.key"), "{bad:?}");
    }
}

#[test]
fn a_queue_that_names_a_childs_health_is_published_under_an_alias() {
    let special = QueueKey::parse("751110000-2020-special-kg0042-speech").unwrap();
    let sanatorium = QueueKey::parse("511010000-2022-sanatorium-kg_7-tb_prevention").unwrap();
    let general = QueueKey::parse("751110000-2021-general").unwrap();
    assert!(special.names_health() && sanatorium.names_health());
    assert!(!general.names_health());
    let alias = Token::alias([0x3f, 0x09, 0xa1, 0xc2, 0x7b, 0xe4, 0x5d, 0x10]);
    assert!(alias.is_alias());
    assert_eq!(alias.as_str(), "q_3f09a1c27be45d10");
    let public = special.aliased(&alias);
    assert_eq!(public.to_string(), "751110000-2020-special-kg0042-q_3f09a1c27be45d10");
    assert!(!public.to_string().contains("speech"));
    assert!(!public.names_health(), "the public form is not aliased again");
    assert_eq!(QueueKey::parse(&public.to_string()).unwrap(), public, "the public form is a key");
    assert!(sanatorium.aliased(&alias).to_string().ends_with("-sanatorium-kg_7-q_3f09a1c27be45d10"));
    assert_eq!(general.aliased(&alias), general, "a general key is its own public form");
    // A name is never taken for an alias.
    for name in ["speech", "q_", "q_3f09a1c27be45d1", "q_3F09A1C27BE45D10", "q_3f09a1c27be45d1z"] {
        assert!(Token::new(name).map_or(true, |t| !t.is_alias()), "{name}");
    }
}

#[test]
fn one_child_in_several_queues() {
    // Rule 17: the same child (one application number per queue) in a general, a special and
    // a sanatorium queue; each queue orders its own entries.
    let general = [e(10, 100, P), e(11, 50, G)];
    let special = [e(20, 100, G), e(21, 200, G)];
    let policy = OrderPolicy::default();
    assert_eq!(numbers(&general, &policy), [10, 11]);
    assert_eq!(numbers(&special, &policy), [20, 21]);
    let keys: Vec<QueueKey> = ["751110000-2021-general", "751110000-2021-special-kg1-speech", "751110000-2021-sanatorium-kg2-tb"]
        .iter()
        .map(|k| k.parse().unwrap())
        .collect();
    assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
}

// --- order (rule 21) ---

#[test]
fn interleaves_one_priority_to_three_general() {
    let entries: Vec<Entry> = (0..3).map(|i| e(100 + i, 10 * i as i64, P)).chain((0..7).map(|i| e(200 + i, 1 + 10 * i as i64, G))).collect();
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [100, 200, 201, 202, 101, 203, 204, 205, 102, 206]);
}

#[test]
fn extraordinary_first_by_instant() {
    let entries = [e(1, 5, G), e(2, 4, P), e(3, 9, E), e(4, 1, E)];
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [4, 3, 2, 1]);
}

#[test]
fn general_list_runs_out_priority_continues() {
    let entries = [e(1, 1, P), e(2, 2, P), e(3, 3, P), e(4, 4, G)];
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [1, 4, 2, 3]);
}

#[test]
fn priority_list_runs_out_general_continues() {
    let entries = [e(1, 1, G), e(2, 2, G), e(3, 3, G), e(4, 4, G), e(5, 5, G), e(6, 100, P)];
    // The only priority application leads even though it came last: its run comes first.
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [6, 1, 2, 3, 4, 5]);
}

#[test]
fn equal_instants_fall_to_the_number() {
    let entries = [e(9, 7, G), e(3, 7, G), e(5, 7, G), e(8, 6, G)];
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [8, 3, 5, 9]);
}

#[test]
fn only_live_applications_take_places() {
    let mut entries = vec![e(1, 1, P), e(2, 2, G), e(3, 3, G), e(4, 4, E)];
    entries[0].state = State::Referred;
    entries[1].state = State::TemporaryStay;
    entries[3].state = State::StopListed;
    assert_eq!(numbers(&entries, &OrderPolicy::default()), [2, 3]);
    for state in State::ALL {
        assert_eq!(state.is_live(), matches!(state, State::Queued | State::TemporaryStay));
    }
}

#[test]
fn policy_changes_ratio_and_lead() {
    let entries: Vec<Entry> = (0..4).map(|i| e(100 + i, i as i64, P)).chain((0..4).map(|i| e(200 + i, i as i64, G))).collect();
    let two_two_general_first = OrderPolicy { priority_run: 2, general_run: 2, lead: Lead::General, window: 1000 };
    assert_eq!(numbers(&entries, &two_two_general_first), [200, 201, 100, 101, 202, 203, 102, 103]);
    let zero_runs = OrderPolicy { priority_run: 0, general_run: 0, lead: Lead::Priority, window: 1000 };
    assert_eq!(numbers(&entries, &zero_runs), [100, 200, 101, 201, 102, 202, 103, 203]);
}

#[test]
fn position_counts_those_ahead() {
    let mut entries: Vec<Entry> = (0..3).map(|i| e(100 + i, 10 * i as i64, P)).chain((0..7).map(|i| e(200 + i, 1 + 10 * i as i64, G))).collect();
    entries.push(e(1, 1000, E));
    let policy = OrderPolicy { window: 6, ..OrderPolicy::default() };
    let p = position(&entries, n(101), &policy).unwrap();
    assert_eq!(p.queue_number, 6);
    assert_eq!(p.ahead, Ahead { extraordinary: 1, priority: 1, general: 3 });
    assert!(p.in_next_window);
    assert!(!position(&entries, n(203), &policy).unwrap().in_next_window);
    assert_eq!(position(&entries, n(999), &policy), None);
    entries[0].state = State::Withdrawn;
    assert_eq!(position(&entries, n(100), &policy), None);
}

// --- snapshot ---

#[test]
fn snapshot_round_trip_small() {
    let mut entries = vec![e(300, 50, G), e(100, 10, P), e(200, 10, E), e(400, 70, G)];
    entries[3].state = State::Referred;
    let bytes = encode(&header(), &entries).unwrap();
    let snapshot = Snapshot::decode(&bytes).unwrap();
    assert_eq!(snapshot.header(), &header());
    assert_eq!(snapshot.len(), 4);
    assert_eq!(snapshot.instant_range(), Some((10, 70)));
    assert_eq!(snapshot.state_ok(n(400)), Some(State::Referred));
    assert_eq!(snapshot.position_ok(n(400)), None);
    assert_eq!(snapshot.position_ok(n(555)), None);
    assert_eq!(snapshot.position_ok(n(300)).map(|p| p.queue_number), Some(3));
    assert_eq!(snapshot.position_ok(n(200)).map(|p| p.queue_number), Some(1));
}

#[test]
fn snapshot_header_layout() {
    let bytes = encode(&Header { log_size: 0x0102_0304_0506_0708, ..header() }, &[e(7, 1000, G)]).unwrap();
    assert_eq!(&bytes[..4], b"KZQS");
    assert_eq!(bytes[4], 1);
    assert_eq!(bytes[5], 0);
    let key_len = usize::from(bytes[6]);
    assert_eq!(&bytes[7..7 + key_len], b"751110000-2021-general");
    let rest = &bytes[7 + key_len..];
    assert_eq!(i64::from_le_bytes(rest[..8].try_into().unwrap()), 1_763_800_000);
    assert_eq!(u64::from_le_bytes(rest[8..16].try_into().unwrap()), 0x0102_0304_0506_0708);
    assert_eq!(u32::from_le_bytes(rest[16..20].try_into().unwrap()), 1);
    assert_eq!(i64::from_le_bytes(rest[20..28].try_into().unwrap()), 1000);
    // One record: delta 0, flags general|queued = 2, number 7 in 7 bytes.
    assert_eq!(&rest[28..], &[0, 2, 7, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn encoder_rejects_duplicates_and_bad_instants() {
    assert_eq!(encode(&header(), &[e(5, 1, G), e(5, 9, P)]), Err(SnapshotError::Duplicate(n(5))));
    assert_eq!(encode(&header(), &[e(5, 1, G), e(5, 1, P)]), Err(SnapshotError::Duplicate(n(5))));
    assert_eq!(encode(&header(), &[e(5, -1, G)]).map_err(|e| e.code()), Err("snapshot.instant"));
}

fn decode_code(bytes: &[u8]) -> Result<usize, &'static str> {
    Snapshot::decode(bytes).map(|s| s.len()).map_err(|e| e.code())
}

#[test]
fn decoder_errors_have_codes() {
    let good = encode(&header(), &[e(1, 10, G), e(2, 20, P)]).unwrap();
    let key_len = usize::from(good[6]);
    let count_at = 7 + key_len + 16;
    assert_eq!(decode_code(&good), Ok(2));
    assert_eq!(decode_code(b""), Err("snapshot.truncated"));
    assert_eq!(decode_code(b"KZQT\x01\x00"), Err("snapshot.magic"));
    assert_eq!(decode_code(b"KZQS\x02\x00"), Err("snapshot.version"));
    let with = |at: usize, value: u8| {
        let mut b = good.clone();
        b[at] = value;
        b
    };
    assert_eq!(decode_code(&with(5, 1)), Err("snapshot.flags"));
    assert_eq!(decode_code(&with(7, b'X')), Err("snapshot.key"));
    assert_eq!(decode_code(&good[..good.len() - 1]), Err("snapshot.truncated"));
    assert_eq!(decode_code(&[good.as_slice(), &[0]].concat()), Err("snapshot.trailing"));
    let mut huge = good.clone();
    huge[count_at..count_at + 4].copy_from_slice(&(MAX_COUNT + 1).to_le_bytes());
    assert_eq!(decode_code(&huge), Err("snapshot.too_large"));
    huge[count_at..count_at + 4].copy_from_slice(&1000u32.to_le_bytes());
    assert_eq!(decode_code(&huge), Err("snapshot.truncated"));
    let first_record = count_at + 4 + 8;
    assert_eq!(decode_code(&with(first_record + 1, 3)), Err("snapshot.flags"));
    assert_eq!(decode_code(&with(first_record + 1, 6 << 2)), Err("snapshot.flags"));
    // Number 0.
    let mut zero = good.clone();
    zero[first_record + 2] = 0;
    assert_eq!(decode_code(&zero), Err("snapshot.number"));
    // A number above fifteen nines.
    let mut big = good.clone();
    big[first_record + 2..first_record + 9].copy_from_slice(&[0xff; 7]);
    assert_eq!(decode_code(&big), Err("snapshot.number"));
    // Second record with delta 0 and a smaller number: out of order; same number: duplicate.
    let second = first_record + 9;
    let mut unordered = good.clone();
    unordered[second] = 0;
    assert_eq!(decode_code(&unordered), Ok(2));
    unordered[second + 2] = 1;
    assert_eq!(decode_code(&unordered), Err("snapshot.duplicate"));
    let mut b = encode(&header(), &[e(5, 10, G), e(6, 10, P)]).unwrap();
    b[second + 2] = 4;
    assert_eq!(decode_code(&b), Err("snapshot.order"));
    // Duplicates at different instants: found by the lookup, or by the strict decoder.
    let mut far = good.clone();
    far[second + 2] = 1;
    let lenient = Snapshot::decode(&far).unwrap();
    assert_eq!(lenient.position(n(1)), Err(SnapshotError::Duplicate(n(1))));
    assert_eq!(lenient.state(n(1)), Err(SnapshotError::Duplicate(n(1))));
    assert_eq!(Snapshot::decode_strict(&far).map(|s| s.len()), Err(SnapshotError::Duplicate(n(1))));
    assert_eq!(Snapshot::decode_strict(&good).map(|s| s.len()), Ok(2));
    // A varint of eleven bytes; a delta past 2200.
    let mut long = good[..second].to_vec();
    long.extend_from_slice(&[0xff; 10]);
    long.extend_from_slice(&[1; 9]);
    assert_eq!(decode_code(&long), Err("snapshot.varint"));
    let mut past = good[..second].to_vec();
    past.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2, 2, 0, 0, 0, 0, 0, 0]);
    assert_eq!(decode_code(&past), Err("snapshot.instant"));
}

#[test]
fn the_strict_decoder_finds_a_duplicate_in_a_large_bucket() {
    // Twelve records share the one bucket of a small snapshot: the sorted path.
    let entries: Vec<Entry> = (1..=12).map(|k| e(k, 10 * k as i64, G)).collect();
    let good = encode(&header(), &entries).unwrap();
    assert_eq!(Snapshot::decode_strict(&good).map(|s| s.len()), Ok(12));
    let first_record = 7 + usize::from(good[6]) + 16 + 4 + 8;
    let mut twice = good.clone();
    // The last record's number (12) made 3, at its own later instant.
    twice[first_record + 11 * 9 + 2] = 3;
    assert_eq!(Snapshot::decode(&twice).map(|s| s.len()), Ok(12));
    assert_eq!(Snapshot::decode_strict(&twice).map(|s| s.len()), Err(SnapshotError::Duplicate(n(3))));
}

#[test]
fn snapshot_without_a_key() {
    let bytes = encode(&Header { key: None, published_at: 0, log_size: 0 }, &[e(1, 1, G)]).unwrap();
    assert_eq!(bytes[6], 0);
    assert_eq!(Snapshot::decode(&bytes).unwrap().header().key, None);
}

#[test]
fn empty_snapshot() {
    let bytes = encode(&header(), &[]).unwrap();
    let snapshot = Snapshot::decode(&bytes).unwrap();
    assert!(snapshot.is_empty());
    assert_eq!(snapshot.position_ok(n(1)), None);
    assert_eq!(snapshot.instant_range(), None);
}

/// A deterministic synthetic queue like the benchmark's: ~1% extraordinary, ~25% priority,
/// ~4% not live, one submission every ~3 minutes on average.
pub(crate) fn synthetic(count: usize, seed: u64) -> Vec<Entry> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut at = 1_577_836_800i64; // 2020-01-01
    (0..count)
        .map(|i| {
            let r = next();
            at += (r % 360) as i64;
            let class = match r >> 20 & 127 {
                0 => E,
                1..=32 => P,
                _ => G,
            };
            let state = match r >> 40 & 63 {
                0 => State::Referred,
                1 => State::Withdrawn,
                2 => State::TemporaryStay,
                _ => State::Queued,
            };
            // A multiplicative permutation of the index: distinct, random-looking, < 10^15.
            let number = (i as u64 + 1).wrapping_mul(0x5DEE_CE66D) % ApplicationNumber::MAX + 1;
            Entry { number: n(number), submitted_at: at, class, state }
        })
        .collect()
}

#[test]
fn a_million_applications_take_at_most_12_bytes_each() {
    let entries = synthetic(1_000_000, 42);
    let bytes = encode(&header(), &entries).unwrap();
    let per = bytes.len() as f64 / entries.len() as f64;
    assert!(per <= 12.0, "{per} bytes per application");
    let snapshot = Snapshot::decode_strict(&bytes).unwrap();
    assert_eq!(snapshot.len(), 1_000_000);
    assert!(snapshot.heap_bytes() <= 32 << 20, "{} bytes held", snapshot.heap_bytes());
    // Spot-check positions against the counting implementation.
    let policy = OrderPolicy::default();
    for entry in entries.iter().step_by(99_991) {
        assert_eq!(snapshot.position_ok(entry.number), position(&entries, entry.number, &policy));
    }
}

fn arb_class() -> impl Strategy<Value = Class> {
    prop_oneof![Just(E), Just(P), Just(G)]
}

fn arb_state() -> impl Strategy<Value = State> {
    proptest::sample::select(State::ALL.to_vec())
}

fn arb_entries() -> impl Strategy<Value = Vec<Entry>> {
    proptest::collection::btree_set(1..=2000u64, 0..120).prop_flat_map(|numbers| {
        let numbers: Vec<u64> = numbers.into_iter().collect();
        let len = numbers.len();
        (Just(numbers), proptest::collection::vec((0..50i64, arb_class(), arb_state()), len)).prop_map(|(numbers, rest)| {
            numbers.into_iter().zip(rest).map(|(number, (at, class, state))| Entry { number: n(number), submitted_at: 1_600_000_000 + at, class, state }).collect()
        })
    })
}

fn arb_policy() -> impl Strategy<Value = OrderPolicy> {
    (0..5u32, 0..5u32, any::<bool>(), 0..40u32).prop_map(|(priority_run, general_run, general_first, window)| OrderPolicy {
        priority_run,
        general_run,
        lead: if general_first { Lead::General } else { Lead::Priority },
        window,
    })
}

proptest! {
    #[test]
    fn snapshot_round_trips(entries in arb_entries(), log_size in any::<u64>()) {
        let header = Header { log_size, ..header() };
        let bytes = encode(&header, &entries).unwrap();
        let snapshot = Snapshot::decode(&bytes).unwrap();
        prop_assert_eq!(snapshot.header(), &header);
        prop_assert_eq!(snapshot.len(), entries.len());
        for entry in &entries {
            prop_assert_eq!(snapshot.state_ok(entry.number), Some(entry.state));
        }
        // Encoding is canonical: the input order does not matter.
        let mut reversed = entries.clone();
        reversed.reverse();
        prop_assert_eq!(encode(&header, &reversed).unwrap(), bytes);
    }

    #[test]
    fn position_is_the_index_in_the_order(entries in arb_entries(), policy in arb_policy()) {
        let ordered = order(&entries, &policy);
        let snapshot = Snapshot::decode_with(&encode(&header(), &entries).unwrap(), policy).unwrap();
        for (i, entry) in ordered.iter().enumerate() {
            let expected_ahead = ordered[..i].iter().fold(Ahead::default(), |mut a, e| {
                match e.class { E => a.extraordinary += 1, P => a.priority += 1, G => a.general += 1 }
                a
            });
            let expected = Position { queue_number: i as u64 + 1, ahead: expected_ahead, in_next_window: i < policy.window as usize };
            prop_assert_eq!(position(&entries, entry.number, &policy), Some(expected));
            prop_assert_eq!(snapshot.position_ok(entry.number), Some(expected));
        }
        for entry in entries.iter().filter(|e| !e.state.is_live()) {
            prop_assert_eq!(snapshot.position_ok(entry.number), None);
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Snapshot::decode(&bytes);
        let mut prefixed = b"KZQS\x01\x00".to_vec();
        prefixed.extend_from_slice(&bytes);
        let _ = Snapshot::decode(&prefixed);
    }

    #[test]
    fn truncated_and_mutated_snapshots_never_panic(entries in arb_entries(), cut in any::<prop::sample::Index>(), flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let bytes = encode(&header(), &entries).unwrap();
        let cut = cut.index(bytes.len() + 1);
        if cut < bytes.len() {
            prop_assert!(Snapshot::decode(&bytes[..cut]).is_err());
        }
        let mut mutated = bytes.clone();
        for (at, value) in flips {
            let at = at.index(mutated.len());
            mutated[at] ^= value;
        }
        if let Ok(snapshot) = Snapshot::decode(&mutated) {
            let _ = snapshot.check_unique();
            for entry in &entries {
                let _ = snapshot.position(entry.number);
                let _ = snapshot.state(entry.number);
            }
        }
    }
}

#[test]
fn position_in_words() {
    use crate::i18n::Lang;
    let policy = OrderPolicy::default();
    let p = Position { queue_number: 6, ahead: Ahead { extraordinary: 1, priority: 1, general: 3 }, in_next_window: true };
    assert_eq!(
        describe_position(Some(&p), &policy, Lang::En),
        "Queue number 6. Applications ahead: 1 out-of-turn, 1 priority, 3 general. Your queue number is within the first 1000: access to referrals opens daily at 07:00"
    );
    let far = Position { in_next_window: false, ..p };
    assert_eq!(describe_position(Some(&far), &policy, Lang::Kk), "Кезектегі реттік нөміріңіз: 6. Алдыңыздағы өтініштер: кезектен тыс — 1, бірінші кезектегі — 1, жалпы негізде — 3");
    assert_eq!(describe_position(None, &policy, Lang::Ru), "У этого заявления сейчас нет порядкового номера в очереди: проверьте его статус");
}
