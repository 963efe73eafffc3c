//! What state information systems know, behind interfaces (issue 12 item 2): the civil
//! registry (which children are linked to an applicant) and the systems that hold priority
//! grounds (which Appendix 1 categories they confirm). Appendix 2 note: data the state's
//! information systems hold is fetched through the e-government gateway, never asked of the
//! applicant, so a ground confirmed here needs no original document.
//!
//! Production implements the traits with the gateway's services; demo mode and tests use
//! [`DemoCivilRegistry`] and [`DemoStateGrounds`], which read the `civil_links` and
//! `state_grounds` tables (migration 4) seeded from `server/demo/people.json`
//! ([`seed_demo_people`]).
//!
//! The traits return boxed futures so that they can be used as `Arc<dyn CivilRegistry>`.
//!
//! | error code | meaning |
//! |---|---|
//! | `registry.unavailable` | the system did not answer: retry later (503) |

mod demo;

pub use demo::{demo_people, seed_demo_people, DemoCivilRegistry, DemoPeople, DemoStateGrounds};

use chrono::NaiveDate;
use kezek::application::Category;
use kezek::iin::Iin;
use std::future::Future;
use std::pin::Pin;

/// A future the adapters return (object-safe async).
pub type AdapterFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AdapterError>> + Send + 'a>>;

/// Why a state system gave no answer.
#[derive(Debug)]
pub enum AdapterError {
    /// The system did not answer (or its answer could not be read); retry later.
    Unavailable(String),
}

impl AdapterError {
    pub fn code(&self) -> &'static str {
        match self {
            AdapterError::Unavailable(_) => "registry.unavailable",
        }
    }
}

impl std::fmt::Display for AdapterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdapterError::Unavailable(why) => write!(f, "registry.unavailable: {why}"),
        }
    }
}

impl std::error::Error for AdapterError {}

impl From<sqlx::Error> for AdapterError {
    fn from(error: sqlx::Error) -> AdapterError {
        AdapterError::Unavailable(format!("database: {error}"))
    }
}

/// The civil registry: which children an applicant may apply for (their parent or legal
/// representative).
pub trait CivilRegistry: Send + Sync {
    /// The children linked to `applicant`. `today` (Kazakhstan local date) checks the IINs the
    /// registry answers; an unreadable one is left out and logged.
    fn children_of<'a>(&'a self, applicant: &'a Iin, today: NaiveDate) -> AdapterFuture<'a, Vec<Iin>>;

    /// Whether `child` is linked to `applicant`.
    fn is_linked<'a>(&'a self, applicant: &'a Iin, child: &'a Iin, today: NaiveDate) -> AdapterFuture<'a, bool> {
        Box::pin(async move { Ok(self.children_of(applicant, today).await?.contains(child)) })
    }
}

/// State systems that hold priority grounds (servicemen's and special state bodies' records,
/// disability, large families, teachers, guardianship, PMPC conclusions).
pub trait StateGrounds: Send + Sync {
    /// The Appendix 1 categories confirmed for this child and applicant, in Appendix 1 order,
    /// without duplicates. An empty list: nothing confirmed, the grounds wait for originals.
    fn confirmed<'a>(&'a self, applicant: &'a Iin, child: &'a Iin) -> AdapterFuture<'a, Vec<Category>>;
}
