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
//! A [`Snapshot`] keeps, per application, one `u64` (number, class, state) plus a `u32` slot
//! in an open-addressing index by number (load ≤ ½), about 16 bytes; the class rank a
//! position needs is recounted from a checkpoint every 64 records, so [`Snapshot::position`]
//! costs a hash probe and at most 63 steps.

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
    sorted.sort_unstable_by_key(|e| e.sort_key());
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
    numbers.sort_unstable();
    if let Some(pair) = numbers.windows(2).find(|w| w[0] == w[1]) {
        return Err(SnapshotError::Duplicate(ApplicationNumber::new(pair[0]).ok_or(SnapshotError::Number)?));
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
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self.at.checked_add(n).ok_or(SnapshotError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(SnapshotError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], SnapshotError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.array::<1>()?[0])
    }

    fn varint(&mut self) -> Result<u64, SnapshotError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            // The tenth byte may only carry the top bit of a u64.
            if shift == 63 && part > 1 {
                return Err(SnapshotError::Varint);
            }
            value |= part << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(SnapshotError::Varint)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }
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
    /// Open addressing by number: 0 is empty, else record index + 1. Length a power of two.
    index: Vec<u32>,
    first_instant: i64,
    last_instant: i64,
}

fn duplicate(number: u64) -> SnapshotError {
    ApplicationNumber::new(number).map_or(SnapshotError::Number, SnapshotError::Duplicate)
}

fn slot_of(number: u64, mask: usize) -> usize {
    // Fibonacci hashing: numbers are random-looking already, this only spreads any pattern.
    (number.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

impl Snapshot {
    /// Decodes `bytes` under the default [`OrderPolicy`].
    pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        Snapshot::decode_with(bytes, OrderPolicy::default())
    }

    /// Decodes `bytes`, answering positions under `policy`.
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
        let table_len = (count * 2).next_power_of_two().max(2);
        let mask = table_len - 1;
        let mut records = Vec::with_capacity(count);
        let mut checkpoints = Vec::with_capacity(count.div_ceil(BLOCK));
        let mut index = vec![0u32; table_len];
        let mut totals = ClassCounts::default();
        let mut instant = base;
        let mut previous_number = 0u64;
        let mut first_instant = base;
        for i in 0..count {
            if i % BLOCK == 0 {
                // Counts are at most MAX_COUNT, so they fit a u32.
                checkpoints.push([totals.extraordinary as u32, totals.priority as u32, totals.general as u32]);
            }
            let delta = r.varint()?;
            let flags = r.byte()?;
            let mut raw = [0u8; 8];
            raw[..NUMBER_BYTES].copy_from_slice(r.take(NUMBER_BYTES)?);
            let number = u64::from_le_bytes(raw);
            instant = i64::try_from(delta).ok().and_then(|d| instant.checked_add(d)).filter(|&t| valid_instant(t)).ok_or(SnapshotError::Instant)?;
            let class = Class::from_bits(flags & 0b11).ok_or(SnapshotError::Flags)?;
            let state = State::from_bits(flags >> 2).ok_or(SnapshotError::Flags)?;
            if ApplicationNumber::new(number).is_none() {
                return Err(SnapshotError::Number);
            }
            if i > 0 && delta == 0 && number <= previous_number {
                return Err(if number == previous_number { duplicate(number) } else { SnapshotError::Order });
            }
            previous_number = number;
            if i == 0 {
                first_instant = instant;
            }
            let mut slot = slot_of(number, mask);
            loop {
                match index[slot] {
                    0 => break,
                    taken if records.get(taken as usize - 1).is_some_and(|&w: &u64| w & NUMBER_MASK == number) => {
                        return Err(duplicate(number));
                    }
                    _ => slot = (slot + 1) & mask,
                }
            }
            // i < MAX_COUNT, so i + 1 fits a u32.
            index[slot] = i as u32 + 1;
            let live = state.is_live();
            if live {
                totals.bump(class);
            }
            records.push(number | u64::from(class.bits()) << NUMBER_BITS | u64::from(state.bits()) << 52 | if live { LIVE_BIT } else { 0 });
        }
        if r.remaining() != 0 {
            return Err(SnapshotError::Trailing);
        }
        Ok(Snapshot {
            header: Header { key, published_at, log_size },
            policy,
            records,
            checkpoints,
            totals,
            index,
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
        self.records.capacity() * 8 + self.checkpoints.capacity() * 12 + self.index.capacity() * 4
    }

    fn find(&self, number: ApplicationNumber) -> Option<usize> {
        let mask = self.index.len().checked_sub(1)?;
        let mut slot = slot_of(number.get(), mask);
        // The table is at most half full, so an empty slot always ends the probe; the bound
        // only guards against a bug.
        for _ in 0..self.index.len() {
            let taken = *self.index.get(slot)?;
            let at = (taken as usize).checked_sub(1)?;
            if self.records.get(at).is_some_and(|w| w & NUMBER_MASK == number.get()) {
                return Some(at);
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// The state the snapshot lists for `number`, or `None` when it is not listed.
    pub fn state(&self, number: ApplicationNumber) -> Option<State> {
        let word = self.records.get(self.find(number)?)?;
        State::from_bits((word >> 52 & 0b111) as u8)
    }

    /// The place of `number`, or `None` when the snapshot does not list it or lists it as not
    /// live (referred, withdrawn, archived, stop-listed).
    pub fn position(&self, number: ApplicationNumber) -> Option<Position> {
        let at = self.find(number)?;
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
        let index = u64::from(checkpoint[usize::from(class.bits())]) + before_in_block;
        Some(self.policy.place(class, index, self.totals))
    }
}
