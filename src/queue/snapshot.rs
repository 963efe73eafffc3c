//! The published snapshot of one queue: a compact binary form for the browser.
//!
//! The provider publishes one snapshot per queue (rule 24.8); the browser downloads it and
//! answers "what is my place?" locally, so the server never learns which number was asked
//! about. The format is specified in `docs/snapshot-format.md`; in short:
//!
//! ```text
//! header  magic "KZQS" · version 1 · reserved 0 · key length + queue key ·
//!         published_at i64 · log_size u64 · count u32 · base instant i64   (little-endian)
//! record  varint Δseconds · flags u8 (class | state << 2) · number u56     (× count)
//! ```
//!
//! Records are sorted by (instant, number), so instants are stored as deltas: about 10 bytes
//! per application. Decoding checks every byte and never panics: a bad snapshot is a
//! [`SnapshotError`] with a stable code, and no allocation is larger than the input justifies
//! (the count is checked against the bytes left before anything is reserved).
//!
//! A [`Snapshot`] keeps, per application, one `u64` (number, class, state) and a `u32` in an
//! index by number (records grouped into buckets of about sixteen by a hash of the number,
//! built by counting sort), about 12.3 bytes; the class rank a position needs is recounted
//! from a checkpoint every 64 records, so [`Snapshot::position`] reads one bucket and at most
//! 63 records. Decoding 1,000,000 records takes 45-75 ms in headless Chromium on a loaded
//! 2-core machine.

use super::{ApplicationNumber, Class, ClassCounts, Entry, OrderPolicy, Position, QueueKey, State};
use core::fmt;

/// The first four bytes of every snapshot.
pub const MAGIC: [u8; 4] = *b"KZQS";
/// The format version this code writes and reads.
pub const VERSION: u8 = 1;
/// The most applications one snapshot may hold: 16 777 216, far above any real queue.
pub const MAX_COUNT: u32 = 1 << 24;
/// The latest instant a snapshot may carry: 2200-12-31T23:59:59Z.
pub const MAX_INSTANT: i64 = 7_289_654_399;
/// Bytes of the smallest record: a 1-byte delta, the flags, a 7-byte number.
pub const MIN_RECORD: usize = 9;
const NUMBER_BYTES: usize = 7;
const NUMBER_BITS: u32 = 50;
const NUMBER_MASK: u64 = (1 << NUMBER_BITS) - 1;
const LIVE_BIT: u64 = 1 << 55;
/// Records per rank checkpoint.
const BLOCK: usize = 64;

/// Why bytes are not a snapshot, or why entries cannot become one. Codes are stable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Not a kezek snapshot: the first bytes are not `KZQS`.
    Magic,
    /// A version this code cannot read (the version found).
    Version(u8),
    /// The bytes end inside the header or a record.
    Truncated,
    /// More applications than [`MAX_COUNT`], or than the bytes can hold.
    TooLarge,
    /// The queue key in the header is not one.
    Key,
    /// A reserved byte or bit is set, or a class or state code is unknown.
    Flags,
    /// An instant outside 1970-2200 (or a delta running past it).
    Instant,
    /// An application number out of range (0 or above fifteen nines).
    Number,
    /// A varint longer than 10 bytes or above `u64::MAX`.
    Varint,
    /// Records not sorted by (instant, number).
    Order,
    /// The same application number twice.
    Duplicate(ApplicationNumber),
    /// Bytes left after the last record.
    Trailing,
}

impl SnapshotError {
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::Magic => "snapshot.magic",
            SnapshotError::Version(_) => "snapshot.version",
            SnapshotError::Truncated => "snapshot.truncated",
            SnapshotError::TooLarge => "snapshot.too_large",
            SnapshotError::Key => "snapshot.key",
            SnapshotError::Flags => "snapshot.flags",
            SnapshotError::Instant => "snapshot.instant",
            SnapshotError::Number => "snapshot.number",
            SnapshotError::Varint => "snapshot.varint",
            SnapshotError::Order => "snapshot.order",
            SnapshotError::Duplicate(_) => "snapshot.duplicate",
            SnapshotError::Trailing => "snapshot.trailing",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            SnapshotError::Magic => "not a kezek queue snapshot".into(),
            SnapshotError::Version(v) => format!("version {v} is not supported (this reader knows {VERSION})"),
            SnapshotError::Truncated => "the bytes end too early".into(),
            SnapshotError::TooLarge => format!("more applications than {MAX_COUNT} or than the bytes hold"),
            SnapshotError::Key => "the queue key is malformed".into(),
            SnapshotError::Flags => "a reserved bit is set or a class/state code is unknown".into(),
            SnapshotError::Instant => "an instant is outside 1970-2200".into(),
            SnapshotError::Number => "an application number is out of range".into(),
            SnapshotError::Varint => "a varint is too long".into(),
            SnapshotError::Order => "records are not sorted by instant and number".into(),
            SnapshotError::Duplicate(n) => format!("application {n} appears twice"),
            SnapshotError::Trailing => "bytes follow the last record".into(),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for SnapshotError {}

/// What the header says besides the count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The queue; `None` (written as an empty key) for test data not tied to a queue.
    pub key: Option<QueueKey>,
    /// When the provider published the snapshot, Unix seconds.
    pub published_at: i64,
    /// The size of the tamper-evident log (rule 24.7) the snapshot reflects; 0 when unknown.
    pub log_size: u64,
}

fn valid_instant(t: i64) -> bool {
    (0..=MAX_INSTANT).contains(&t)
}

/// Writes the snapshot of `entries` (in any order; all states are kept, so the browser can
/// tell "referred" from "absent"). Fails on a duplicate number, an instant outside 1970-2200,
/// or more than [`MAX_COUNT`] entries.
pub fn encode(header: &Header, entries: &[Entry]) -> Result<Vec<u8>, SnapshotError> {
    let count = u32::try_from(entries.len()).ok().filter(|&n| n <= MAX_COUNT).ok_or(SnapshotError::TooLarge)?;
    if !valid_instant(header.published_at) {
        return Err(SnapshotError::Instant);
    }
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    super::sort_by_key(&mut sorted, |e| e.sort_key());
    let key = header.key.as_ref().map(QueueKey::to_string).unwrap_or_default();
    let base = sorted.first().map_or(0, |e| e.submitted_at);
    let mut out = Vec::with_capacity(40 + key.len() + entries.len() * 11);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(0);
    // A key is at most MAX_KEY_LEN (91) bytes, so its length fits a byte.
    out.push(key.len() as u8);
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(&header.published_at.to_le_bytes());
    out.extend_from_slice(&header.log_size.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&base.to_le_bytes());
    let mut previous: Option<&Entry> = None;
    for entry in sorted {
        if !valid_instant(entry.submitted_at) {
            return Err(SnapshotError::Instant);
        }
        if previous.is_some_and(|p| p.number == entry.number) {
            return Err(SnapshotError::Duplicate(entry.number));
        }
        let from = previous.map_or(base, |p| p.submitted_at);
        // Sorted, so the delta is never negative.
        write_varint(&mut out, entry.submitted_at.abs_diff(from));
        out.push(entry.class.bits() | entry.state.bits() << 2);
        out.extend_from_slice(&entry.number.get().to_le_bytes()[..NUMBER_BYTES]);
        previous = Some(entry);
    }
    // Duplicates with different instants are not neighbours after sorting: check them apart.
    let mut numbers: Vec<u64> = entries.iter().map(|e| e.number.get()).collect();
    super::sort_by_key(&mut numbers, |&n| n);
    if let Some(&[same, _]) = numbers.windows(2).find(|w| matches!(w, [a, b] if a == b)) {
        return Err(duplicate(same));
    }
    Ok(out)
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A cursor over untrusted bytes: every read is checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self.at.checked_add(n).ok_or(SnapshotError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(SnapshotError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    #[inline(always)]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], SnapshotError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    #[inline(always)]
    fn byte(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.array::<1>()?[0])
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
}

/// Records per call of [`Records::read`].
const CALL_RECORDS: usize = 4096;

/// The record-reading state of a decode.
struct Records<'a> {
    body: &'a [u8],
    at: usize,
    instant: i64,
    first_instant: i64,
    previous_number: u64,
    live_counts: [u32; 4],
    records: Vec<u64>,
    checkpoints: Vec<[u32; 3]>,
    /// Records per bucket, shifted by one (see [`build_index`]).
    bucket_start: Vec<u32>,
    bucket_bits: u32,
}

impl Records<'_> {
    /// Reads records `from..to`. The hot loop: a million records must decode in a few tens of
    /// milliseconds in a size-optimised WebAssembly build, so it reads the bytes directly.
    #[inline(never)]
    fn read(&mut self, from: usize, to: usize) -> Result<(), SnapshotError> {
        let body = self.body;
        let (mut at, mut instant, mut previous_number, mut live_counts) = (self.at, self.instant, self.previous_number, self.live_counts);
        for i in from..to {
            if i % BLOCK == 0 {
                self.checkpoints.push([live_counts[0], live_counts[1], live_counts[2]]);
            }
            let mut delta = 0u64;
            let mut shift = 0u32;
            loop {
                let Some(&b) = body.get(at) else { return Err(SnapshotError::Truncated) };
                at += 1;
                // The tenth byte may only carry the top bit of a u64.
                if shift == 63 && b > 1 {
                    return Err(SnapshotError::Varint);
                }
                delta |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
                if shift > 63 {
                    return Err(SnapshotError::Varint);
                }
            }
            // The flags byte and the 7-byte number as one little-endian u64; a slice pattern,
            // not `copy_from_slice`, which a size-optimised build turns into a memcpy call.
            let Some(&[f, n0, n1, n2, n3, n4, n5, n6]) = body.get(at..at + 8) else { return Err(SnapshotError::Truncated) };
            at += 8;
            let word = u64::from_le_bytes([f, n0, n1, n2, n3, n4, n5, n6]);
            let (flags, number) = (word & 0xff, word >> 8);
            let (class_bits, state_bits) = (flags & 0b11, flags >> 2);
            if class_bits > 2 || state_bits > 5 {
                return Err(SnapshotError::Flags);
            }
            if number == 0 || number > ApplicationNumber::MAX {
                return Err(SnapshotError::Number);
            }
            // `instant` stays within 0..=MAX_INSTANT, so the room left is never negative.
            if delta > (MAX_INSTANT - instant) as u64 {
                return Err(SnapshotError::Instant);
            }
            instant += delta as i64;
            if i == 0 {
                self.first_instant = instant;
            } else if delta == 0 && number <= previous_number {
                return Err(if number == previous_number { duplicate(number) } else { SnapshotError::Order });
            }
            previous_number = number;
            if let Some(n) = self.bucket_start.get_mut(bucket_of(number, self.bucket_bits) + 1) {
                *n += 1;
            }
            let live = state_bits <= 1;
            if live {
                if let Some(n) = live_counts.get_mut(class_bits as usize) {
                    *n += 1;
                }
            }
            self.records.push(number | class_bits << NUMBER_BITS | state_bits << 52 | if live { LIVE_BIT } else { 0 });
        }
        (self.at, self.instant, self.previous_number, self.live_counts) = (at, instant, previous_number, live_counts);
        Ok(())
    }
}

/// Groups record indices by bucket (a counting sort: `bucket_start` holds the counts per
/// bucket shifted by one, and becomes the bucket starts).
fn build_index(records: &[u64], bucket_start: &mut [u32], bits: u32) -> Result<Vec<u32>, SnapshotError> {
    let mut sum = 0u32;
    for start in bucket_start.iter_mut() {
        // The counts add up to the record count, at most MAX_COUNT.
        sum += *start;
        *start = sum;
    }
    let mut cursor: Vec<u32> = bucket_start.to_vec();
    let mut index = vec![0u32; records.len()];
    // In calls of CALL_RECORDS, for the reason given in `decode_with`.
    for (call, chunk) in records.chunks(CALL_RECORDS).enumerate() {
        scatter(chunk, call * CALL_RECORDS, bits, &mut cursor, &mut index)?;
    }
    Ok(index)
}

#[inline(never)]
fn scatter(records: &[u64], first: usize, bits: u32, cursor: &mut [u32], index: &mut [u32]) -> Result<(), SnapshotError> {
    for (k, word) in records.iter().enumerate() {
        let slot = cursor.get_mut(bucket_of(word & NUMBER_MASK, bits)).ok_or(SnapshotError::Truncated)?;
        // The record number is below MAX_COUNT and fits a u32; the slot is below the next
        // bucket's start by construction.
        *index.get_mut(*slot as usize).ok_or(SnapshotError::Truncated)? = (first + k) as u32;
        *slot += 1;
    }
    Ok(())
}

/// A decoded snapshot, ready to answer positions.
#[derive(Clone, Debug)]
pub struct Snapshot {
    header: Header,
    policy: OrderPolicy,
    /// Per record, in file order: number | class << 50 | state << 52 | live << 55.
    records: Vec<u64>,
    /// Live applications of each class before each block of [`BLOCK`] records.
    checkpoints: Vec<[u32; 3]>,
    totals: ClassCounts,
    /// Record indices grouped by bucket (the top bits of a hash of the number).
    index: Vec<u32>,
    /// Where each bucket starts in `index`; one more entry than buckets.
    bucket_start: Vec<u32>,
    bucket_bits: u32,
    first_instant: i64,
    last_instant: i64,
}

fn duplicate(number: u64) -> SnapshotError {
    ApplicationNumber::new(number).map_or(SnapshotError::Number, SnapshotError::Duplicate)
}

/// The bucket of `number` among `2^bits`: Fibonacci hashing, keeping the well-mixed top bits
/// of the product. Numbers are random-looking already; this only spreads any pattern a backend
/// might leave.
fn bucket_of(number: u64, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    (number.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl Snapshot {
    /// Decodes `bytes` under the default [`OrderPolicy`] (see [`Snapshot::decode_with`]).
    pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        Snapshot::decode_with(bytes, OrderPolicy::default())
    }

    /// Decodes `bytes` and checks that no number is listed twice ([`Snapshot::check_unique`]).
    pub fn decode_strict(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let snapshot = Snapshot::decode(bytes)?;
        snapshot.check_unique()?;
        Ok(snapshot)
    }

    /// Decodes `bytes`, answering positions under `policy`.
    ///
    /// Every byte is checked except one property: that a number is not listed twice at two
    /// different instants (the same instant is checked, by the order). Checking it costs a
    /// pass of random reads, about as much as all the rest of decoding, so it is left to the
    /// lookups — [`Snapshot::position`] and [`Snapshot::state`] answer
    /// [`SnapshotError::Duplicate`] for such a number — or to [`Snapshot::check_unique`].
    /// [`Snapshot::decode_strict`] does both.
    pub fn decode_with(bytes: &[u8], policy: OrderPolicy) -> Result<Snapshot, SnapshotError> {
        let mut r = Reader { bytes, at: 0 };
        if r.array::<4>()? != MAGIC {
            return Err(SnapshotError::Magic);
        }
        let version = r.byte()?;
        if version != VERSION {
            return Err(SnapshotError::Version(version));
        }
        if r.byte()? != 0 {
            return Err(SnapshotError::Flags);
        }
        let key_len = usize::from(r.byte()?);
        let key_text = core::str::from_utf8(r.take(key_len)?).map_err(|_| SnapshotError::Key)?;
        let key = if key_text.is_empty() { None } else { Some(QueueKey::parse(key_text).map_err(|_| SnapshotError::Key)?) };
        let published_at = i64::from_le_bytes(r.array()?);
        let log_size = u64::from_le_bytes(r.array()?);
        let count = u32::from_le_bytes(r.array()?);
        let base = i64::from_le_bytes(r.array()?);
        if !valid_instant(published_at) || (count > 0 && !valid_instant(base)) {
            return Err(SnapshotError::Instant);
        }
        // Check the count against the bytes before reserving anything for it.
        let count = count as usize;
        if count > MAX_COUNT as usize || count > r.remaining() / MIN_RECORD {
            return Err(if count > MAX_COUNT as usize { SnapshotError::TooLarge } else { SnapshotError::Truncated });
        }
        // About sixteen records per bucket: a lookup reads a few records, the bucket counts
        // (256 KB for a million) stay in cache, and building the index is two passes
        // (counting sort), not a million dependent random probes.
        let bucket_bits = (count / 16).next_power_of_two().trailing_zeros();
        let buckets = 1usize << bucket_bits;
        let bucket_start = vec![0u32; buckets + 1];
        let mut records_state = Records {
            body: r.bytes.get(r.at..).unwrap_or(&[]),
            at: 0,
            instant: base,
            first_instant: base,
            previous_number: 0,
            live_counts: [0; 4],
            records: Vec::with_capacity(count),
            checkpoints: Vec::with_capacity(count.div_ceil(BLOCK)),
            bucket_start,
            bucket_bits,
        };
        // Many calls rather than one long loop: browsers run WebAssembly first with a baseline
        // compiler and switch a function to optimised code only on a later call (there is no
        // on-stack replacement), so a single million-record call would never get fast.
        let mut done = 0;
        while done < count {
            let next = (done + CALL_RECORDS).min(count);
            records_state.read(done, next)?;
            done = next;
        }
        let Records { at, first_instant, instant, live_counts, records, checkpoints, mut bucket_start, .. } = records_state;
        r.at += at;
        let totals = ClassCounts { extraordinary: u64::from(live_counts[0]), priority: u64::from(live_counts[1]), general: u64::from(live_counts[2]) };
        if r.remaining() != 0 {
            return Err(SnapshotError::Trailing);
        }
        let index = build_index(&records, &mut bucket_start, bucket_bits)?;
        Ok(Snapshot {
            header: Header { key, published_at, log_size },
            policy,
            records,
            checkpoints,
            totals,
            index,
            bucket_start,
            bucket_bits,
            first_instant,
            last_instant: instant,
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// How many applications the snapshot lists, live or not.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Live applications per class.
    pub fn totals(&self) -> ClassCounts {
        self.totals
    }

    /// The earliest and latest submission instants listed (Unix seconds), if any.
    pub fn instant_range(&self) -> Option<(i64, i64)> {
        (!self.is_empty()).then_some((self.first_instant, self.last_instant))
    }

    /// The bytes this snapshot holds on the heap (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        self.records.capacity() * 8 + self.checkpoints.capacity() * 12 + self.index.capacity() * 4 + self.bucket_start.capacity() * 4
    }

    /// The record of `number`: `Ok(None)` when not listed, [`SnapshotError::Duplicate`] when
    /// listed twice (see [`Snapshot::decode_with`]).
    fn find(&self, number: ApplicationNumber) -> Result<Option<usize>, SnapshotError> {
        let bucket = bucket_of(number.get(), self.bucket_bits);
        let start = self.bucket_start.get(bucket).map_or(0, |&s| s as usize);
        let end = self.bucket_start.get(bucket + 1).map_or(0, |&e| e as usize);
        let mut found = None;
        for &at in self.index.get(start..end).unwrap_or(&[]) {
            if self.records.get(at as usize).is_some_and(|w| w & NUMBER_MASK == number.get()) {
                if found.is_some() {
                    return Err(SnapshotError::Duplicate(number));
                }
                found = Some(at as usize);
            }
        }
        Ok(found)
    }

    /// Checks that no number is listed twice, which [`Snapshot::decode_with`] leaves to
    /// lookups. Numbers of one bucket are compared pairwise, or sorted when the bucket is
    /// large, so a hostile snapshot with one huge bucket costs O(n log n).
    pub fn check_unique(&self) -> Result<(), SnapshotError> {
        let mut numbers: Vec<u64> = Vec::new();
        for bounds in self.bucket_start.windows(2) {
            let &[start, end] = bounds else { continue };
            let members = self.index.get(start as usize..end as usize).unwrap_or(&[]);
            numbers.clear();
            numbers.extend(members.iter().filter_map(|&at| self.records.get(at as usize)).map(|w| w & NUMBER_MASK));
            if numbers.len() > 8 {
                // Sorted, a duplicate sits next to its twin: one pass over neighbours.
                super::sort_by_key(&mut numbers, |&n| n);
                if let Some(pair) = numbers.windows(2).find(|pair| pair.first() == pair.last()) {
                    return Err(duplicate(pair.first().copied().unwrap_or_default()));
                }
                continue;
            }
            for (k, a) in numbers.iter().enumerate() {
                if numbers.get(k + 1..).unwrap_or(&[]).contains(a) {
                    return Err(duplicate(*a));
                }
            }
        }
        Ok(())
    }

    /// The state the snapshot lists for `number`, `None` when it is not listed; an error when
    /// it is listed twice.
    pub fn state(&self, number: ApplicationNumber) -> Result<Option<State>, SnapshotError> {
        let word = self.find(number)?.and_then(|at| self.records.get(at));
        Ok(word.and_then(|w| State::from_bits((w >> 52 & 0b111) as u8)))
    }

    /// The place of `number`, or `None` when the snapshot does not list it or lists it as not
    /// live (referred, withdrawn, archived, stop-listed); an error when it is listed twice.
    pub fn position(&self, number: ApplicationNumber) -> Result<Option<Position>, SnapshotError> {
        Ok(self.find(number)?.and_then(|at| self.place_of(at)))
    }

    fn place_of(&self, at: usize) -> Option<Position> {
        let word = *self.records.get(at)?;
        if word & LIVE_BIT == 0 {
            return None;
        }
        let class = Class::from_bits((word >> NUMBER_BITS & 0b11) as u8)?;
        let block = at / BLOCK;
        let checkpoint = self.checkpoints.get(block)?;
        let class_bits = u64::from(class.bits()) << NUMBER_BITS;
        let same_class_live = |w: &&u64| **w & LIVE_BIT != 0 && **w & (0b11 << NUMBER_BITS) == class_bits;
        let before_in_block = self.records.get(block * BLOCK..at)?.iter().filter(same_class_live).count() as u64;
        let index = u64::from(*checkpoint.get(usize::from(class.bits()))?) + before_in_block;
        Some(self.policy.place(class, index, self.totals))
    }
}
