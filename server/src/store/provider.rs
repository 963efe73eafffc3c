//! The provider's operations on applications (rules 20.3, 20.6, 22, 31-35): each a core
//! transition with its log entry, recording who did it and when. (Seats and the operator's
//! reads: `vacancies.rs`, `reads.rs`.)

use super::rows::{self, Stored};
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::status::Event;
use kezek::tlog::EventBody;

impl Store {
    /// Rule 22: the provider compared the originals; the application is registered in the queue.
    /// Confirming again answers the application as it is.
    pub async fn confirm_originals(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            // Already confirmed (a retry): nothing to do. A late confirmation gets the core's
            // refusal (the originals deadline passed).
            if !matches!(current.status, kezek::status::Status::AwaitingOriginals { .. }) {
                return Ok(current);
            }
            let entry = EventBody::OriginalsConfirmed { application: current.number.to_string() };
            self.transition(tx, &current, &Event::OriginalsConfirmed { at: now }, Some(entry), None, now).await
        })
    }
}

/// An admission as the kindergarten records it (rules 31-35, Appendix 4).
#[derive(Clone, Debug)]
pub struct Admission {
    /// The contract's date (rule 32).
    pub contract_on: chrono::NaiveDate,
    /// The child's health certificate's issue date: not earlier than three calendar days before
    /// the contract (rule 34), judged by the checklist's own rule.
    pub health_certificate_issued_on: chrono::NaiveDate,
    /// The last day of a temporary-stay seat (rule 25.4); `None` for a permanent one.
    pub temporary_until: Option<chrono::NaiveDate>,
}

impl Store {
    /// Rules 31-35: the child is admitted on its referral. The seat is taken for good (it never
    /// returns to the bulletin); on a temporary-stay seat the application keeps its place until
    /// the stay ends (rule 25.4).
    pub async fn admit(&self, stored: &Stored, admission: &Admission, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        use kezek::checklist::{validity_on, valid_through, Validity};
        use kezek::document::DocumentKind;
        let last = valid_through(DocumentKind::ChildHealthCertificate, admission.health_certificate_issued_on, &self.calendar);
        let fresh = admission.health_certificate_issued_on <= admission.contract_on
            && last.is_some_and(|last| validity_on(last, admission.contract_on, false) != Validity::Expired);
        if !fresh {
            return Err(ApiError::invalid_code("healthCertificateIssuedOn", "admission.certificate_expired"));
        }
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            let referral = super::claims::active_referral(tx.conn(), &current.number.to_string()).await?;
            let Some(referral) = referral else {
                // Admitted already (a retry) or never referred: the core says which.
                if matches!(current.status, kezek::status::Status::Admitted { .. } | kezek::status::Status::TemporaryStay { .. }) {
                    return Ok(current);
                }
                return Err(ApiError::Conflict("referral.not_active"));
            };
            let event = Event::Admitted { at: now, temporary_until: admission.temporary_until };
            let entry = EventBody::Admitted { application: current.number.to_string(), referral: referral.id.clone(), temporary_until: admission.temporary_until };
            let next = self.transition(tx, &current, &event, Some(entry), None, now).await?;
            self.end_referral(tx, &current, super::lifecycle::ReferralEnd::Admitted, now).await?;
            Ok(next)
        })
    }

    /// Rule 34: admission refused with a reason; the seat returns and the application keeps
    /// its place with interest paused (see `kezek::status`).
    pub async fn refuse_admission(&self, stored: &Stored, reason: kezek::status::AdmissionRefusal, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            let referral = super::claims::active_referral(tx.conn(), &current.number.to_string()).await?.ok_or(ApiError::Conflict("referral.not_active"))?;
            let entry = EventBody::AdmissionRefused { application: current.number.to_string(), referral: referral.id.clone(), reason: reason.code().to_owned() };
            let next = self.transition(tx, &current, &Event::AdmissionRefused { reason }, Some(entry), None, now).await?;
            self.end_referral(tx, &current, super::lifecycle::ReferralEnd::Refused, now).await?;
            Ok(next)
        })
    }
}
