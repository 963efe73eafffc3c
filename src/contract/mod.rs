//! The backend's HTTP contract: every request and response body the citizen's page exchanges
//! with the reference backend (`server/openapi.yaml`), defined once.
//!
//! The server's handlers (`server/src/api/*`) read requests into these types and answer with
//! them; the package's client (`src/wasm/client`) sends the requests and hands the answers to
//! JavaScript typed by them (tsify writes the `.d.ts`). A server test (`server/tests/contract.rs`)
//! validates a sample of each against its schema in `openapi.yaml` and compares the property
//! names both ways, so the document, the server and the client cannot drift apart.
//!
//! Plain serde data, no web types: instants are RFC 3339 strings in UTC, local dates
//! `YYYY-MM-DD`, field names camelCase. Domain values the core already defines are reused as
//! they are: the submission is the core's [`Draft`](crate::application::Draft), the status its
//! [`Status`](crate::status::Status), the policy its [`ServicePolicy`](crate::status::ServicePolicy);
//! the queue snapshot is binary (`docs/snapshot-format.md`) and has no type here.
//!
//! | module | bodies |
//! | --- | --- |
//! | [`applications`] | the submission's answer, the applicant's view of an application, interest, "my applications" |
//! | [`referrals`] | claim, cancel, extend (rules 24, 30) |
//! | [`settings`] | notification channels and language |
//! | [`register`] | the register evidence `verifyRegister` checks |
//! | [`reads`] | the bulletin, the clock, the signed-in person |
//! | [`errors`] | the error body every refusal has |
//! | [`failure`] | a call without its answer: its kind, whether the client tries again, what the person is told |
//!
//! Request types derive `Deserialize` for the server. The package never instantiates a derived
//! deserializer (its size budget): the client sends the request objects the page builds, typed
//! by these types in the `.d.ts` (`JSON.stringify`), and hands answers to the browser's JSON
//! reader untouched; the server reads every request with these types and refuses what does
//! not fit. [`failure`] is the client's policy for a call without its answer.

pub mod applications;
pub mod errors;
pub mod failure;
pub mod reads;
pub mod referrals;
pub mod register;
pub mod settings;

pub use applications::{ApplicationView, Interest, MyApplications, NoFields, PoolView, PositionView, SeatView, SubmitAnswer, TokenAnswer};
pub use errors::{ApiIssue, ErrorBody};
pub use reads::{Bulletin, BulletinVacancy, ClockMove, Me, StaffRole, Time};
pub use referrals::{CancelRequest, ClaimRequest, ExtendRequest, ReferralView};
pub use register::{HistoryProof, RegisterAnswer, SnapshotProof};
pub use settings::{Language, NotificationSettings};
