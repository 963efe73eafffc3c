//! The service provider's operations on applications (rules 20.3, 20.6, 22, 31-35, Appendix 4):
//! each a core transition with its public log entry, and — for the staff's own writes — the
//! record of who did it and when (`staff.rs`), all in one transaction.
//!
//! | operation | who | core event | log entry |
//! |---|---|---|---|
//! | the applicant brought the originals | education department | — (recorded only: the 30 minutes start) | — |
//! | originals confirmed (22) | education department | `OriginalsConfirmed` | `originals_confirmed` |
//! | refused after comparing them (22, Appendix 2) | education department | `Refused` | `refused` |
//! | priority status changed (20.3) | education department | `PriorityChanged` (the class changes, the status does not) | `priority_changed`, a commitment to the category and its ground |
//! | stop-list (20.6, 3.13) | education department | `StopListed` (a referral it holds is cancelled first) | `referral_cancelled` (`stop_listed`), `stop_listed` |
//! | restored | education department | `Restored` | `restored` |
//! | the monthly check (22) | education department | a negative answer: `Archived { GroundsFailed }` (a referral cancelled first) | `referral_cancelled` (`grounds_failed`), `archived` |
//! | admitted (31-35) | kindergarten | `Admitted` (`temporary_until` on a temporary-stay seat, 25.4) | `admitted` |
//! | admission refused (34) | kindergarten | `AdmissionRefused` (the seat returns) | `admission_refused` |
//!
//! Seats and their withdrawal: `seats.rs`; the operator's reads: `operator.rs`.

use super::lifecycle::ReferralEnd;
use super::rows::{self, Stored};
use super::staff::{Record, StaffAct, StaffAnswer};
use super::Store;
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::wire::{rfc3339, to_ms};
use chrono::{DateTime, NaiveDate, Utc};
use kezek::application::Category;
use kezek::queue::Class;
use kezek::status::{deadline, AdmissionRefusal, ArchiveReason, Event, RefusalReason, Status, StopReason};
use kezek::tlog::{Commitment, EventBody};
use serde_json::json;

impl Store {
    /// Rule 22: the provider compared the originals; the application is registered in the queue.
    /// Confirming again answers the application as it is (demo loading, tests).
    pub async fn confirm_originals(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            // Already confirmed (a retry): nothing to do. A late confirmation gets the core's
            // refusal (the originals deadline passed).
            if !matches!(current.status, Status::AwaitingOriginals { .. }) {
                return Ok(current);
            }
            let entry = EventBody::OriginalsConfirmed { application: current.number.to_string() };
            self.transition(tx, &current, &Event::OriginalsConfirmed { at: now }, Some(entry), None, now).await
        })
    }

    /// The applicant brought the originals to the desk (rule 22): recorded, so that the
    /// 30-minute service time runs from now (`originalsServiceMinutes`). Nothing changes in the
    /// application's life.
    pub async fn originals_arrived(&self, act: &StaffAct, stored: &Stored, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        let d = self.deadlines();
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            if !matches!(current.status_at(now, &d)?, Status::AwaitingOriginals { .. }) {
                return Err(ApiError::Conflict("originals.not_awaited"));
            }
            let confirm_by = d.originals_confirm_by(now).map_err(|_| ApiError::Internal)?;
            let answer = json!({ "number": current.number.to_string(), "arrivedAt": rfc3339(now), "confirmBy": rfc3339(confirm_by) });
            Ok((StaffAnswer::ok(&answer)?, self.about(&current, "originals_arrived", json!({ "confirmBy": rfc3339(confirm_by) }))))
        })
    }

    /// Rule 22: the education department confirms the originals; recorded with the time taken
    /// since the applicant brought them (or, when that was not recorded, since submission).
    pub async fn confirm_originals_by(&self, act: &StaffAct, stored: &Stored, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            let entry = EventBody::OriginalsConfirmed { application: current.number.to_string() };
            let next = self.transition(tx, &current, &Event::OriginalsConfirmed { at: now }, Some(entry), None, now).await?;
            let arrived = self.originals_arrived_at(tx.conn(), &current.number.to_string()).await?;
            let (from, measured_from) = match arrived {
                Some(at) => (at, "arrival"),
                None => (current.submitted_at, "submission"),
            };
            let elapsed = now - from;
            let standard = chrono::TimeDelta::minutes(i64::from(self.policy.originals_service_minutes));
            let detail = json!({ "measuredFrom": measured_from, "withinStandard": elapsed <= standard });
            let answer = json!({ "number": next.number.to_string(), "status": next.status, "elapsedSeconds": elapsed.num_seconds(), "measuredFrom": measured_from });
            let mut record = self.about(&next, "originals_confirmed", detail);
            record.elapsed_ms = Some(elapsed.num_milliseconds());
            Ok((StaffAnswer::ok(&answer)?, record))
        })
    }

    /// Rule 22, Appendix 2: refused after comparing the originals, with its reasons.
    pub async fn refuse_originals(&self, act: &StaffAct, stored: &Stored, reasons: &[RefusalReason], now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            let codes: Vec<String> = reasons.iter().map(|r| r.code().to_owned()).collect();
            let entry = EventBody::Refused { application: current.number.to_string(), reasons: codes.clone() };
            let next = self.transition(tx, &current, &Event::Refused { reasons: reasons.to_vec() }, Some(entry), None, now).await?;
            Ok((self.status_answer(&next)?, self.about(&next, "refused", json!({ "reasons": codes }))))
        })
    }

    /// Rule 20.3: the application's category — so its class, rule 21 — changes on `ground` (a
    /// description of the confirming document). The status stays; the log commits to the new
    /// category and its ground with the application's salt, and the record keeps the ground to
    /// open that commitment.
    pub async fn change_priority(&self, act: &StaffAct, stored: &Stored, category: Category, ground: &str, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            if current.category == category {
                return Err(ApiError::invalid_code("category", "priority.category"));
            }
            let opening = format!("priority:{}:{ground}", category.id());
            let details = Commitment::new(&current.salt, opening.as_bytes());
            let entry = EventBody::PriorityChanged { application: current.number.to_string(), details };
            let next = self.transition(tx, &current, &Event::PriorityChanged, Some(entry), None, now).await?;
            // The stored application (sealed at rest, issue 15) names the new category too.
            let number = current.number.to_string();
            let personal: Option<(String,)> = sqlx::query_as("SELECT personal FROM applications WHERE number = $1").bind(&number).fetch_optional(tx.conn()).await?;
            let opened = self.data_key.open(&number, &personal.ok_or(ApiError::Internal)?.0).map_err(|_| ApiError::Internal)?;
            let mut personal: serde_json::Value = serde_json::from_str(&opened).map_err(|_| ApiError::Internal)?;
            personal["category"] = json!(category.id());
            let sealed = self.data_key.seal(&number, &personal.to_string()).map_err(|_| ApiError::Internal)?;
            sqlx::query("UPDATE applications SET category = $1, class = $2, personal = $3 WHERE number = $4")
                .bind(category.id())
                .bind(category.class().code())
                .bind(sealed)
                .bind(&number)
                .execute(tx.conn())
                .await?;
            // The class orders the queue: readers holding its old version read it again.
            super::snapshots::bump_queue_version(tx, &current.queue.to_string()).await?;
            let before = (current.category.id(), current.class.code());
            let detail = json!({ "from": before.0, "fromClass": before.1, "category": category.id(), "class": category.class().code(), "ground": ground });
            let answer = json!({ "number": next.number.to_string(), "status": next.status, "category": category.id(), "class": category.class().code() });
            Ok((StaffAnswer::ok(&answer)?, self.about(&next, "priority_changed", detail)))
        })
    }

    /// Rules 3.13, 20.6: the application goes to the stop-list for `reason`; a referral it holds
    /// is cancelled first (its seat returns).
    pub async fn stop_list(&self, act: &StaffAct, stored: &Stored, reason: StopReason, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        let d = self.deadlines();
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            let event = Event::StopListed { reason };
            // The core judges first, so a refused stop-list cancels no referral.
            current.status_at(now, &d)?.apply(&event, &d)?;
            self.end_application(tx, &current, &event, "stop_listed", now).await?;
            let next = self.current(tx, stored).await?;
            Ok((self.status_answer(&next)?, self.about(&next, "stop_listed", json!({ "reason": reason.code() }))))
        })
    }

    /// Back from the stop-list into the queue, interested.
    pub async fn restore(&self, act: &StaffAct, stored: &Stored, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let current = self.current(tx, stored).await?;
            let entry = EventBody::Restored { application: current.number.to_string() };
            let next = self.transition(tx, &current, &Event::Restored, Some(entry), None, now).await?;
            Ok((self.status_answer(&next)?, self.about(&next, "restored", json!({}))))
        })
    }

    /// Rule 22: the answers of the month's check of servicemen's and special state body
    /// employees' documents. A negative answer archives the application (`grounds_failed`) and
    /// cancels its referral; every answer is kept per application and month.
    pub async fn grounds_check(&self, act: &StaffAct, month: &str, answers: &[(Stored, bool)], now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let mut results = Vec::new();
            for (stored, confirmed) in answers {
                let current = self.current(tx, stored).await?;
                if current.class != Class::Extraordinary {
                    return Err(ApiError::invalid_code("answers", "grounds.category"));
                }
                if !confirmed {
                    let event = Event::Archived { at: now, reason: ArchiveReason::GroundsFailed };
                    self.end_application(tx, &current, &event, ArchiveReason::GroundsFailed.code(), now).await?;
                }
                sqlx::query(
                    "INSERT INTO grounds_checks (application_number, month, confirmed, checked_at, checked_by) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (application_number, month) DO UPDATE SET confirmed = excluded.confirmed, checked_at = excluded.checked_at, checked_by = excluded.checked_by",
                )
                .bind(current.number.to_string())
                .bind(month)
                .bind(i64::from(*confirmed))
                .bind(to_ms(now))
                .bind(&act.name)
                .execute(tx.conn())
                .await?;
                let next = self.current(tx, stored).await?;
                results.push(json!({ "number": next.number.to_string(), "confirmed": confirmed, "status": next.status }));
            }
            let listed: Vec<_> = answers.iter().map(|(s, c)| json!({ "number": s.number.to_string(), "confirmed": c })).collect();
            let record = Record { action: "grounds_checked", target: month.to_owned(), application: None, detail: json!({ "answers": listed }), elapsed_ms: None };
            Ok((StaffAnswer::ok(&json!({ "month": month, "results": results }))?, record))
        })
    }
}

/// An admission as the kindergarten records it (rules 31-35, Appendix 4).
#[derive(Clone, Debug)]
pub struct Admission {
    /// The contract's date (rule 32).
    pub contract_on: NaiveDate,
    /// The child's health certificate's issue date: not earlier than three calendar days before
    /// the contract (rule 34), judged by the checklist's own rule.
    pub health_certificate_issued_on: NaiveDate,
    /// The last day of a temporary-stay seat (rule 25.4); `None` for a permanent one.
    pub temporary_until: Option<NaiveDate>,
}

impl Store {
    /// Rules 31-35: the child is admitted on its referral. The seat is taken for good (it never
    /// returns to the bulletin); on a temporary-stay seat the application keeps its place until
    /// the stay ends (rule 25.4).
    pub async fn admit(&self, stored: &Stored, admission: &Admission, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        self.check_certificate(admission)?;
        in_write_tx!(self, |tx| {
            let current = self.current(tx, stored).await?;
            self.admit_in(tx, &current, admission, now).await
        })
    }

    /// Rule 34: the health certificate is issued not earlier than three calendar days before
    /// the contract, and not after it (the checklist's `child_health_certificate` rule).
    fn check_certificate(&self, admission: &Admission) -> Result<(), ApiError> {
        use kezek::checklist::{valid_through, validity_on, Validity};
        use kezek::document::DocumentKind;
        let last = valid_through(DocumentKind::ChildHealthCertificate, admission.health_certificate_issued_on, &self.calendar);
        let fresh = admission.health_certificate_issued_on <= admission.contract_on
            && last.is_some_and(|last| validity_on(last, admission.contract_on, false) != Validity::Expired);
        if fresh {
            Ok(())
        } else {
            Err(ApiError::invalid_code("healthCertificateIssuedOn", "admission.certificate_expired"))
        }
    }

    async fn admit_in(&self, tx: &mut WriteTx, current: &Stored, admission: &Admission, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        let referral = super::claims::active_referral(tx.conn(), &current.number.to_string()).await?;
        let Some(referral) = referral else {
            // Admitted already (a retry) or never referred: the core says which.
            if matches!(current.status, Status::Admitted { .. } | Status::TemporaryStay { .. }) {
                return Ok(current.clone());
            }
            return Err(ApiError::Conflict("referral.not_active"));
        };
        let event = Event::Admitted { at: now, temporary_until: admission.temporary_until };
        let entry = EventBody::Admitted { application: current.number.to_string(), referral: referral.id.clone(), temporary_until: admission.temporary_until };
        let next = self.transition(tx, current, &event, Some(entry), None, now).await?;
        self.end_referral(tx, current, ReferralEnd::Admitted, now).await?;
        Ok(next)
    }

    /// Rule 34: admission refused with a reason; the seat returns and the application keeps
    /// its place with interest paused (see `kezek::status`).
    pub async fn refuse_admission(&self, stored: &Stored, reason: AdmissionRefusal, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = self.current(tx, stored).await?;
            self.refuse_admission_in(tx, &current, reason, now).await
        })
    }

    async fn refuse_admission_in(&self, tx: &mut WriteTx, current: &Stored, reason: AdmissionRefusal, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        let referral = super::claims::active_referral(tx.conn(), &current.number.to_string()).await?.ok_or(ApiError::Conflict("referral.not_active"))?;
        let entry = EventBody::AdmissionRefused { application: current.number.to_string(), referral: referral.id.clone(), reason: reason.code().to_owned() };
        let next = self.transition(tx, current, &Event::AdmissionRefused { reason }, Some(entry), None, now).await?;
        self.end_referral(tx, current, ReferralEnd::Refused, now).await?;
        Ok(next)
    }

    /// Rules 31-35 at the kindergarten's desk: the child of referral `referral_id` is admitted
    /// under a contract of `contract_on`. The seat's terms decide a temporary stay (25.4) and
    /// whether the contract may be dated so (an early-booking seat not yet free, 3.6).
    pub async fn admit_referral(&self, act: &StaffAct, referral_id: &str, contract_on: NaiveDate, certificate_issued_on: NaiveDate, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let (current, vacancy) = self.referral_parties(tx, referral_id).await?;
            vacancy.terms.admits(contract_on, deadline::local_date(now))?;
            let admission = Admission { contract_on, health_certificate_issued_on: certificate_issued_on, temporary_until: vacancy.terms.temporary_until() };
            self.check_certificate(&admission)?;
            self.require_active(tx, referral_id).await?;
            let next = self.admit_in(tx, &current, &admission, now).await?;
            let detail = json!({ "referral": referral_id, "seat": vacancy.id, "contractOn": contract_on.to_string(), "temporaryUntil": admission.temporary_until.map(|d| d.to_string()) });
            Ok((self.status_answer(&next)?, self.about(&next, "admitted", detail)))
        })
    }

    /// Rule 34 at the kindergarten's desk: admission on referral `referral_id` refused.
    pub async fn refuse_referral(&self, act: &StaffAct, referral_id: &str, reason: AdmissionRefusal, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let (current, vacancy) = self.referral_parties(tx, referral_id).await?;
            self.require_active(tx, referral_id).await?;
            let next = self.refuse_admission_in(tx, &current, reason, now).await?;
            let detail = json!({ "referral": referral_id, "seat": vacancy.id, "reason": reason.code() });
            Ok((self.status_answer(&next)?, self.about(&next, "admission_refused", detail)))
        })
    }

    /// The application and the seat group of referral `id`.
    async fn referral_parties(&self, tx: &mut WriteTx, id: &str) -> Result<(Stored, super::rows::Vacancy), ApiError> {
        let row: Option<(String, String)> = sqlx::query_as("SELECT application_number, vacancy_id FROM referrals WHERE id = $1").bind(id).fetch_optional(tx.conn()).await?;
        let (number, vacancy_id) = row.ok_or(ApiError::NotFound("referral.unknown"))?;
        let current = rows::application(tx.conn(), &number).await?.ok_or(ApiError::Internal)?;
        let vacancy = rows::vacancy(tx.conn(), &vacancy_id).await?.ok_or(ApiError::Internal)?;
        Ok((current, vacancy))
    }

    /// Referral `id` is still active (not expired unsettled: the application's deadline is
    /// judged by the transition itself).
    async fn require_active(&self, tx: &mut WriteTx, id: &str) -> Result<(), ApiError> {
        let state: Option<(String,)> = sqlx::query_as("SELECT state FROM referrals WHERE id = $1").bind(id).fetch_optional(tx.conn()).await?;
        match state {
            Some((state,)) if state == "active" => Ok(()),
            _ => Err(ApiError::Conflict("referral.not_active")),
        }
    }

    /// `stored` as it is now in the database (under the transaction's lock).
    async fn current(&self, tx: &mut WriteTx, stored: &Stored) -> Result<Stored, ApiError> {
        rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)
    }

    /// The answer of an operation on an application: its number and its status now.
    fn status_answer(&self, stored: &Stored) -> Result<StaffAnswer, ApiError> {
        StaffAnswer::ok(&json!({ "number": stored.number.to_string(), "status": stored.status }))
    }

    /// A history record of `action` on `stored`.
    fn about(&self, stored: &Stored, action: &'static str, detail: serde_json::Value) -> Record {
        let number = stored.number.to_string();
        Record { action, target: number.clone(), application: Some(number), detail, elapsed_ms: None }
    }
}
