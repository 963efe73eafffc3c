//! Which queue an application stands in (rules 13, 14, 17).

use core::fmt;
use core::str::FromStr;

/// The kind of queue, with what further splits it.
///
/// * General queue: per locality and birth year (rule 13).
/// * Special kindergarten: per kindergarten and birth year, split by disorder type when the
///   kindergarten has such groups (rule 14).
/// * Sanatorium kindergarten: per kindergarten and birth year, split by rehabilitation or
///   prevention profile (rule 14).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueueKind {
    General,
    Special { kindergarten: Token, disorder: Token },
    Sanatorium { kindergarten: Token, profile: Token },
}

/// One queue. A child may stand in several at once — general, special and sanatorium — when it
/// has special educational needs with a PMPC conclusion (rule 17), so a child's applications
/// are looked up per key, never one per child.
///
/// The stable string form, used by the backend as an identifier and in URLs, is
///
/// ```text
/// {locality}-{birth_year}-general
/// {locality}-{birth_year}-special-{kindergarten}-{disorder}
/// {locality}-{birth_year}-sanatorium-{kindergarten}-{profile}
/// ```
///
/// where `locality` is the 9-digit KATO code of the city, village or settlement, `birth_year`
/// is four digits (1900-2200), and the other parts are [`Token`]s the backend assigns. Only
/// `0-9 a-z _` and `-` appear, so the form needs no escaping in a URL path.
///
/// # The public form
///
/// A special or sanatorium queue's last part names a child's health: a disorder type or a
/// rehabilitation profile (rule 14). Where the key is published (the snapshot, the public log),
/// that part is replaced by an *alias*, a random token the backend draws once per queue and
/// keeps ([`Token::alias`], [`QueueKey::aliased`]): `751110000-2021-special-kg0042-q_3f09a1c27be45d10`.
/// The alias says which queue, never which condition; only the applicant's own (private) view
/// shows the key itself. A general key is its own public form. Deciding this once here keeps
/// the backend and the page from each inventing a format (docs/privacy.md has the reasons).
///
/// ```
/// use kezek::queue::QueueKey;
/// let key: QueueKey = "751110000-2021-special-kg0042-speech".parse().unwrap();
/// assert_eq!(key.birth_year(), 2021);
/// assert_eq!(key.to_string(), "751110000-2021-special-kg0042-speech");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueueKey {
    locality: u32,
    birth_year: u16,
    kind: QueueKind,
}

/// A part of a queue key the backend names: 1 to 32 characters of `0-9 a-z _`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(String);

impl Token {
    pub fn new(text: &str) -> Result<Token, KeyError> {
        let ok = (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_');
        if ok {
            Ok(Token(text.to_owned()))
        } else {
            Err(KeyError("a name inside a queue key is 1 to 32 characters of 0-9, a-z and _"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The alias made of 8 random bytes (drawn by the caller: the core has no randomness):
    /// `q_` and 16 hex digits. No disorder or profile name has this shape.
    pub fn alias(random: [u8; 8]) -> Token {
        let mut text = String::with_capacity(18);
        text.push_str(ALIAS_PREFIX);
        for byte in random {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Token(text)
    }

    /// Whether this token is an alias ([`Token::alias`]) rather than a name.
    pub fn is_alias(&self) -> bool {
        self.0.len() == 18 && self.0.starts_with(ALIAS_PREFIX) && self.0[2..].bytes().all(|b| HEX.contains(&b))
    }
}

const ALIAS_PREFIX: &str = "q_";
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Why a text is not a queue key (code `queue.key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyError(&'static str);

impl KeyError {
    pub(crate) fn locality() -> KeyError {
        KeyError("the locality is a 9-digit KATO code")
    }

    pub(crate) fn birth_year() -> KeyError {
        KeyError("the birth year is from 1900 to 2200")
    }

    pub fn code(self) -> &'static str {
        "queue.key"
    }
    pub fn detail(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "queue.key: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

/// The longest string form: 9 + 1 + 4 + 1 + 10 + 1 + 32 + 1 + 32.
pub const MAX_KEY_LEN: usize = 91;

impl QueueKey {
    /// A key from its parts. `locality` is a 9-digit KATO code (100000000-999999999).
    pub fn new(locality: u32, birth_year: u16, kind: QueueKind) -> Result<QueueKey, KeyError> {
        if !(100_000_000..=999_999_999).contains(&locality) {
            return Err(KeyError("the locality is a 9-digit KATO code"));
        }
        if !(1900..=2200).contains(&birth_year) {
            return Err(KeyError("the birth year is from 1900 to 2200"));
        }
        Ok(QueueKey { locality, birth_year, kind })
    }

    pub fn locality(&self) -> u32 {
        self.locality
    }

    pub fn birth_year(&self) -> u16 {
        self.birth_year
    }

    pub fn kind(&self) -> &QueueKind {
        &self.kind
    }

    /// Whether the key names a child's health (a special or sanatorium queue, rule 14) and so is
    /// published under an alias, never as it is.
    pub fn names_health(&self) -> bool {
        match &self.kind {
            QueueKind::General => false,
            QueueKind::Special { disorder: part, .. } | QueueKind::Sanatorium { profile: part, .. } => !part.is_alias(),
        }
    }

    /// The public form (see the type docs): a special or sanatorium key with its disorder or
    /// profile replaced by `alias`; a general key as it is.
    pub fn aliased(&self, alias: &Token) -> QueueKey {
        let kind = match &self.kind {
            QueueKind::General => QueueKind::General,
            QueueKind::Special { kindergarten, .. } => QueueKind::Special { kindergarten: kindergarten.clone(), disorder: alias.clone() },
            QueueKind::Sanatorium { kindergarten, .. } => QueueKind::Sanatorium { kindergarten: kindergarten.clone(), profile: alias.clone() },
        };
        QueueKey { kind, ..self.clone() }
    }

    /// Reads the string form (see the type docs).
    pub fn parse(text: &str) -> Result<QueueKey, KeyError> {
        if text.len() > MAX_KEY_LEN {
            return Err(KeyError("a queue key is at most 91 characters"));
        }
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let (locality, year, kind_name, rest) = match parts.as_slice() {
            [locality, year, kind, rest @ ..] => (*locality, *year, *kind, rest),
            _ => return Err(KeyError("expected {locality}-{birth_year}-{kind}[-…]")),
        };
        if !digits(locality, 9) || !digits(year, 4) {
            return Err(KeyError("expected a 9-digit locality and a 4-digit birth year"));
        }
        let locality: u32 = locality.parse().map_err(|_| KeyError("the locality is a 9-digit KATO code"))?;
        let year: u16 = year.parse().map_err(|_| KeyError("the birth year is 4 digits"))?;
        let kind = match (kind_name, rest) {
            ("general", []) => QueueKind::General,
            ("special", [kg, disorder]) => QueueKind::Special { kindergarten: Token::new(kg)?, disorder: Token::new(disorder)? },
            ("sanatorium", [kg, profile]) => QueueKind::Sanatorium { kindergarten: Token::new(kg)?, profile: Token::new(profile)? },
            _ => return Err(KeyError("the kind is general, special-{kindergarten}-{disorder} or sanatorium-{kindergarten}-{profile}")),
        };
        QueueKey::new(locality, year, kind)
    }
}

impl FromStr for QueueKey {
    type Err = KeyError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        QueueKey::parse(text)
    }
}

impl fmt::Display for QueueKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-", self.locality, self.birth_year)?;
        match &self.kind {
            QueueKind::General => f.write_str("general"),
            QueueKind::Special { kindergarten, disorder } => write!(f, "special-{}-{}", kindergarten.0, disorder.0),
            QueueKind::Sanatorium { kindergarten, profile } => write!(f, "sanatorium-{}-{}", kindergarten.0, profile.0),
        }
    }
}
