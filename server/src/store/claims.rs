//! Referrals: taking a seat inside an access window (rules 24.4, 24.5, 24.10), cancelling within
//! a day and extending once (rule 30).
//!
//! A claim is one step of a group-committed batch (`batch.rs`): the core decides whether
//! the application may take a referral now ([`Status::apply`] of `ReferralIssued`) and whether
//! this window's round may take one more seat of the pool ([`may_claim`]); then a conditional
//! `UPDATE vacancies SET free = free - 1 WHERE id = $1 AND free > 0` (backed by
//! `CHECK (free >= 0)`) takes the seat. No read-then-write on the seat count, so two claims can
//! never both take the last seat, on SQLite or PostgreSQL; and `referrals_one_active` makes a
//! second active referral of one application impossible.

use super::lifecycle::ReferralEnd;
use super::rows::{self, ReferralRow, Stored, Vacancy, REFERRAL_COLUMNS};
use super::Store;
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::secrets::random_bytes;
use chrono::{DateTime, NaiveDate, Utc};
use kezek::queue::distribution::{may_claim, GroupKind, Seat};
use kezek::status::{deadline, Event, ExtensionReason, Status, WindowRound};
use std::collections::HashMap;
use kezek::tlog::{Commitment, EventBody};
use sqlx::AnyConnection;

/// A referral as the API shows it (`kezek::contract`). Its deadlines are the status's
/// ([`Status::Referred`]): the page shows them with `statusView`.
pub use kezek::contract::{ReferralView, SeatView};

impl From<ReferralRow> for ReferralView {
    fn from(r: ReferralRow) -> ReferralView {
        let issued = DateTime::from_timestamp_millis(r.issued_at).unwrap_or_default();
        ReferralView {
            id: r.id,
            application_number: r.application_number,
            vacancy_id: r.vacancy_id,
            issued_at: issued.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            state: r.state,
            extended_until: r.extended_until,
            extension_reason: r.extension_reason,
            end_reason: r.end_reason,
        }
    }
}

/// The SQL condition (on `v`) for the seats of `seat`'s pool, with its values in order.
fn pool_condition(seat: &Seat) -> (&'static str, Vec<String>) {
    let (age, stay) = (seat.age_group.to_string(), seat.stay_mode.id().to_owned());
    match &seat.kind {
        GroupKind::General => (
            "v.published_on IS NOT NULL AND v.group_kind = 'general' AND v.locality_code = $1 AND v.age_group = CAST($2 AS BIGINT) AND v.stay_mode = $3",
            vec![seat.locality.to_string(), age, stay],
        ),
        GroupKind::Special { disorder: detail } | GroupKind::Sanatorium { profile: detail } => (
            "v.published_on IS NOT NULL AND v.group_kind = $4 AND v.kindergarten_id = $1 AND v.age_group = CAST($2 AS BIGINT) AND v.stay_mode = $3 AND v.group_detail = $5",
            vec![
                seat.kindergarten.as_str().to_owned(),
                age,
                stay,
                if matches!(seat.kind, GroupKind::Special { .. }) { "special" } else { "sanatorium" }.to_owned(),
                detail.as_str().to_owned(),
            ],
        ),
    }
}

/// The published vacancies of `seat`'s pool.
pub(crate) async fn pool_vacancies(conn: &mut AnyConnection, seat: &Seat) -> Result<Vec<Vacancy>, ApiError> {
    let (condition, values) = pool_condition(seat);
    let sql = format!("SELECT {} FROM {} WHERE {condition} ORDER BY v.id", rows::VACANCY_COLUMNS, rows::VACANCY_FROM);
    let mut query = sqlx::query_as::<_, rows::VacancyRow>(&sql);
    for value in values {
        query = query.bind(value);
    }
    query.fetch_all(conn).await?.into_iter().map(Vacancy::try_from).collect()
}

/// Open priority windows of `pool` not yet used for a referral at `now`.
pub(crate) async fn reserved_in(conn: &mut AnyConnection, pool: &str, now: DateTime<Utc>) -> Result<u32, ApiError> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM applications WHERE window_pool = $1 AND window_round = 'priority' AND state = 'window_open' AND next_change_at > $2",
    )
    .bind(pool)
    .bind(now.timestamp_millis())
    .fetch_one(conn)
    .await?;
    u32::try_from(count).map_err(|_| ApiError::Internal)
}

pub(crate) async fn active_referral(conn: &mut AnyConnection, number: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralRow> = sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE application_number = $1 AND state = 'active'"))
        .bind(number)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(ReferralView::from))
}

pub(crate) async fn latest_referral(conn: &mut AnyConnection, number: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralRow> =
        sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE application_number = $1 ORDER BY issued_at DESC LIMIT 1"))
            .bind(number)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(ReferralView::from))
}

async fn referral(conn: &mut AnyConnection, id: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralRow> =
        sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE id = $1")).bind(id).fetch_optional(conn).await?;
    Ok(row.map(ReferralView::from))
}

/// The applicant's own referral `id`.
async fn own_referral(conn: &mut AnyConnection, stored: &Stored, id: &str) -> Result<ReferralView, ApiError> {
    referral(conn, id).await?.filter(|r| r.application_number == stored.number.to_string()).ok_or(ApiError::NotFound("referral.unknown"))
}

/// Why a vacancy cannot go to an application, if it cannot.
fn unfit(stored: &Stored, vacancy: &Vacancy, today: NaiveDate) -> Option<&'static str> {
    if vacancy.withdrawn.is_some() {
        Some("seat.withdrawn")
    } else if vacancy.published_on.is_none() {
        Some("vacancy.not_published")
    } else if !stored.queue.admits(&vacancy.seat) || vacancy.seat.group() != stored.seat_group(today) {
        Some("vacancy.other_pool")
    } else {
        None
    }
}

impl Store {
    /// Answers retries and claims on full seats with plain reads, without the writer: at the
    /// rush most claims are one of the two. Only an answer that cannot change is given here (an
    /// existing referral stays; a full seat is full at this instant); everything else goes to
    /// the writer, which checks again.
    pub(crate) async fn claim_fast_path(&self, number: &str, vacancy_id: &str) -> Result<Option<Result<(ReferralView, bool), ApiError>>, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        if let Some(existing) = active_referral(&mut conn, number).await? {
            return Ok(Some(Ok((existing, false))));
        }
        // A withdrawn seat is refused by the writer with its own reason.
        let free: Option<(i64,)> = sqlx::query_as("SELECT free FROM vacancies WHERE id = $1 AND withdrawn_at IS NULL").bind(vacancy_id).fetch_optional(&mut *conn).await?;
        if free == Some((0,)) {
            return Ok(Some(Err(ApiError::Conflict("vacancy.full"))));
        }
        Ok(None)
    }

    /// Takes a seat of `vacancy_id` for application `number` at `now`, inside the batch's
    /// transaction, reading through the batch's `context`. Returns the referral and whether
    /// this call issued it (a retry gets the existing one back).
    pub(crate) async fn claim_in(
        &self,
        tx: &mut WriteTx,
        context: &mut ClaimContext,
        number: &str,
        vacancy_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(ReferralView, bool), ApiError> {
        let stored = context.application(tx, number).await?.ok_or(ApiError::Unauthorized)?;
        if let Some(existing) = context.referrals.get(number) {
            return Ok((existing.clone(), false));
        }
        let d = self.deadlines();
        let settled = self.settle_in(tx, &stored, now).await?;
        if settled.status != stored.status {
            // Settling wrote effects of its own: read seats afresh.
            context.forget_seats();
        }
        let Status::WindowOpen { round, .. } = settled.status else {
            // The core's precise refusal: the window closed, or there never was one. An
            // application waiting in the queue (its window ran out, and the deadline job may
            // already have recorded that) is told its access is closed, which the page follows
            // with when the next one comes, not that the act is illegal in its status.
            if matches!(settled.status, Status::Queued { .. } | Status::TemporaryStay { .. }) {
                return Err(ApiError::Status(kezek::status::StatusError::WindowClosed));
            }
            let error = stored.status.apply(&Event::ReferralIssued { at: now, counts_from: None }, &d).err();
            return Err(error.map(ApiError::from).unwrap_or(ApiError::Conflict("window.closed")));
        };
        let vacancy = context.vacancy(tx, vacancy_id).await?.ok_or(ApiError::NotFound("vacancy.unknown"))?;
        if let Some(code) = unfit(&settled, &vacancy, deadline::local_date(now)) {
            return Err(ApiError::Conflict(code));
        }
        let pool = vacancy.seat.pool().to_string();
        let seats = context.pool(tx, &vacancy.seat, &pool, now).await?;
        if !may_claim(round, seats.free, seats.reserved) || vacancy.free == 0 {
            return Err(ApiError::Conflict("vacancy.full"));
        }
        // Every refusal comes before the first write (`batch.rs`): the core's answer to the
        // event too, so the transition below cannot refuse once seats and rows have changed.
        // An early-booking seat not yet free: the referral counts from its day (rule 3.6).
        let counts_from = vacancy.terms.referral_counts_from(deadline::local_date(now));
        let event = Event::ReferralIssued { at: now, counts_from };
        settled.status.apply(&event, &d)?;
        let seat: Option<(i64,)> = sqlx::query_as("UPDATE vacancies SET free = free - 1 WHERE id = $1 AND free > 0 RETURNING free")
            .bind(vacancy_id)
            .fetch_optional(tx.conn())
            .await?;
        if seat.is_none() {
            // The batch's own count said there was one: another writer took it. Nothing was
            // written, so this is a refusal like any other.
            return Err(ApiError::Conflict("vacancy.full"));
        }
        let id = hex::encode(random_bytes::<16>().map_err(|_| ApiError::Internal)?);
        // Written with the batch's other referrals (`ClaimContext::write_referrals`).
        context.issued.push((id.clone(), number.to_owned(), vacancy_id.to_owned(), now.timestamp_millis()));
        // The log names the seat only by a commitment: in a small group the seat could name the child.
        let seat = Commitment::new(&settled.salt, format!("seat:{vacancy_id}").as_bytes());
        let entry = match counts_from {
            Some(day) => EventBody::ReferralBooked { application: number.to_owned(), referral: id.clone(), seat, counts_from: day },
            None => EventBody::ReferralIssued { application: number.to_owned(), referral: id.clone(), seat },
        };
        // After writes, a refusal would leave half a claim: it aborts the batch instead.
        let referred = self.transition(tx, &settled, &event, Some(entry), None, now).await.map_err(|error| {
            tracing::error!(number, error = ?error, "the core refused a referral it had accepted");
            ApiError::Internal
        })?;
        let view = ReferralView::from(ReferralRow {
            id,
            application_number: number.to_owned(),
            vacancy_id: vacancy_id.to_owned(),
            issued_at: now.timestamp_millis(),
            state: "active".to_owned(),
            extended_until: None,
            extension_reason: None,
            end_reason: None,
        });
        context.took(number, referred, &view, vacancy_id, &pool, round);
        Ok((view, true))
    }

    /// Rule 30: the applicant cancels referral `id` within a day of issue; the seat returns and
    /// the application keeps its place. Cancelling twice answers the cancelled referral.
    pub async fn cancel_referral(&self, stored: &Stored, id: &str, now: DateTime<Utc>) -> Result<ReferralView, ApiError> {
        in_write_tx!(self, |tx| {
                let store = self;
                let referral = own_referral(tx.conn(), stored, id).await?;
                if referral.state == "cancelled" && referral.end_reason.as_deref() == Some(ReferralEnd::Cancelled.reason()) {
                    return Ok(referral);
                }
                if referral.state != "active" {
                    return Err(ApiError::Conflict("referral.not_active"));
                }
                let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
                let entry = EventBody::ReferralCancelled { application: stored.number.to_string(), referral: id.to_owned(), reason: ReferralEnd::Cancelled.reason().to_owned() };
                store.transition(tx, &current, &Event::ReferralCancelled { at: now }, Some(entry), None, now).await?;
                store.end_referral(tx, &current, ReferralEnd::Cancelled, now).await?;
                referral_by_id(tx, id).await
        })
    }

    /// Rule 30: extends referral `id` once, for `reason`, to the end of local day `until`
    /// (default and maximum: 30 calendar days after the issue day). Asking again for the same
    /// extension answers it.
    pub async fn extend_referral(&self, stored: &Stored, id: &str, reason: ExtensionReason, until: Option<NaiveDate>, now: DateTime<Utc>) -> Result<ReferralView, ApiError> {
        in_write_tx!(self, |tx| {
                let store = self;
                let referral = own_referral(tx.conn(), stored, id).await?;
                let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
                let d = store.deadlines();
                let issued = DateTime::parse_from_rfc3339(&referral.issued_at).map_err(|_| ApiError::Internal)?.with_timezone(&Utc);
                let until = match until {
                    Some(day) => day,
                    None => d.extension_limit(issued).map_err(|_| ApiError::Internal)?,
                };
                if referral.extended_until.as_deref() == Some(until.to_string().as_str()) && referral.extension_reason.as_deref() == Some(reason.code()) {
                    return Ok(referral);
                }
                if referral.state != "active" {
                    return Err(ApiError::Conflict("referral.not_active"));
                }
                let end = deadline::end_of_local_day(until).map_err(|_| ApiError::Internal)?;
                let entry = EventBody::ReferralExtended { application: stored.number.to_string(), referral: id.to_owned(), until: end };
                store.transition(tx, &current, &Event::ReferralExtended { at: now, until }, Some(entry), None, now).await?;
                sqlx::query("UPDATE referrals SET extended_until = $1, extension_reason = $2 WHERE id = $3")
                    .bind(until.to_string())
                    .bind(reason.code())
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                referral_by_id(tx, id).await
        })
    }

    /// The seats of the pool an open window of `stored` may take at `now`.
    pub async fn window_seats(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Vec<SeatView>, ApiError> {
        let d = self.deadlines();
        let Status::WindowOpen { round, .. } = stored.status_at(now, &d)? else { return Ok(Vec::new()) };
        let today = deadline::local_date(now);
        let group = stored.seat_group(today);
        let pool = stored.queue.pool(group);
        let mut conn = self.db.pool.acquire().await?;
        // Any seat of the pool stands for it (the pool's condition uses the place and group).
        let probe = match &pool.place {
            kezek::queue::distribution::Place::Locality(locality) => Seat { locality: *locality, kindergarten: kezek::queue::Token::new("any").map_err(|_| ApiError::Internal)?, kind: GroupKind::General, age_group: group.age_group, stay_mode: group.stay_mode },
            kezek::queue::distribution::Place::Kindergarten(kg, kind) => Seat { locality: stored.queue.locality(), kindergarten: kg.clone(), kind: kind.clone(), age_group: group.age_group, stay_mode: group.stay_mode },
        };
        let seats = pool_vacancies(&mut conn, &probe).await?;
        let free: u32 = seats.iter().map(|v| v.free).sum();
        let reserved = reserved_in(&mut conn, &pool.to_string(), now).await?;
        let claimable = may_claim(round, free, reserved);
        Ok(seats
            .into_iter()
            .filter(|v| v.free > 0)
            .map(|v| SeatView {
                claimable: claimable && v.free > 0,
                vacancy_id: v.id,
                kindergarten: v.kindergarten_name,
                language: v.language,
                age_group: v.seat.age_group,
                stay_mode: v.seat.stay_mode.id().to_owned(),
                free: v.free,
            })
            .collect())
    }
}

async fn referral_by_id(tx: &mut WriteTx, id: &str) -> Result<ReferralView, ApiError> {
    referral(tx.conn(), id).await?.ok_or(ApiError::Internal)
}

/// What a batch of claims reads once (`batch.rs`): its applications, their active referrals
/// and the vacancies claimed (fetched together), and the seats of each pool it touches, kept up to date as the
/// batch's own claims take them. Valid only inside the batch's transaction, which holds the log
/// lock, so no other writer changes these rows meanwhile.
#[derive(Default)]
pub(crate) struct ClaimContext {
    applications: HashMap<String, Stored>,
    referrals: HashMap<String, ReferralView>,
    vacancies: HashMap<String, Option<Vacancy>>,
    pools: HashMap<String, PoolSeats>,
    /// The referrals the batch issued, not written yet: (id, application, vacancy, issued at).
    /// Nothing in a claim's transaction reads them back from the table (a second claim of the
    /// same application is answered from `referrals`), so they go in one statement at the end
    /// ([`ClaimContext::write_referrals`]).
    issued: Vec<(String, String, String, i64)>,
}

/// A pool's free seats and the priority windows still open on it ([`may_claim`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PoolSeats {
    pub free: u32,
    pub reserved: u32,
}

impl ClaimContext {
    /// Reads the applications `numbers`, their active referrals and the vacancies
    /// `vacancy_ids` they claim, in three statements.
    pub(crate) async fn prefetch(conn: &mut AnyConnection, numbers: &[&str], vacancy_ids: &[&str]) -> Result<ClaimContext, ApiError> {
        let mut context = ClaimContext::default();
        if numbers.is_empty() {
            return Ok(context);
        }
        let mut ids: Vec<&str> = vacancy_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let list = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let vacancies_sql = format!("SELECT {} FROM {} WHERE v.id IN ({list})", rows::VACANCY_COLUMNS, rows::VACANCY_FROM);
        let mut vacancies = sqlx::query_as::<_, rows::VacancyRow>(&vacancies_sql);
        for id in &ids {
            vacancies = vacancies.bind(*id);
        }
        // An id not found is cached as unknown, as `vacancy` would have found it.
        context.vacancies = ids.iter().map(|id| ((*id).to_owned(), None)).collect();
        for row in vacancies.fetch_all(&mut *conn).await? {
            let vacancy = Vacancy::try_from(row)?;
            context.vacancies.insert(vacancy.id.clone(), Some(vacancy));
        }
        let list = (1..=numbers.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let applications_sql = format!("SELECT {} FROM applications WHERE number IN ({list})", rows::APPLICATION_COLUMNS);
        let referrals_sql = format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE state = 'active' AND application_number IN ({list})");
        let mut applications = sqlx::query_as::<_, rows::ApplicationRow>(&applications_sql);
        let mut referrals = sqlx::query_as::<_, ReferralRow>(&referrals_sql);
        for number in numbers {
            applications = applications.bind(*number);
            referrals = referrals.bind(*number);
        }
        for row in applications.fetch_all(&mut *conn).await? {
            let stored = Stored::try_from(row)?;
            context.applications.insert(stored.number.to_string(), stored);
        }
        for row in referrals.fetch_all(&mut *conn).await? {
            context.referrals.insert(row.application_number.clone(), ReferralView::from(row));
        }
        Ok(context)
    }

    async fn application(&mut self, tx: &mut WriteTx, number: &str) -> Result<Option<Stored>, ApiError> {
        if let Some(stored) = self.applications.get(number) {
            return Ok(Some(stored.clone()));
        }
        let stored = rows::application(tx.conn(), number).await?;
        if let Some(stored) = &stored {
            self.applications.insert(number.to_owned(), stored.clone());
            if let Some(existing) = active_referral(tx.conn(), number).await? {
                self.referrals.insert(number.to_owned(), existing);
            }
        }
        Ok(stored)
    }

    async fn vacancy(&mut self, tx: &mut WriteTx, id: &str) -> Result<Option<Vacancy>, ApiError> {
        if let Some(known) = self.vacancies.get(id) {
            return Ok(known.clone());
        }
        let vacancy = rows::vacancy(tx.conn(), id).await?;
        self.vacancies.insert(id.to_owned(), vacancy.clone());
        Ok(vacancy)
    }

    async fn pool(&mut self, tx: &mut WriteTx, seat: &Seat, pool: &str, now: DateTime<Utc>) -> Result<PoolSeats, ApiError> {
        if let Some(seats) = self.pools.get(pool) {
            return Ok(*seats);
        }
        let free = pool_vacancies(tx.conn(), seat).await?.iter().map(|v| v.free).sum();
        let seats = PoolSeats { free, reserved: reserved_in(tx.conn(), pool, now).await? };
        self.pools.insert(pool.to_owned(), seats);
        Ok(seats)
    }

    /// Writes the referrals the batch issued, in one statement; before its commit.
    pub(crate) async fn write_referrals(&mut self, tx: &mut WriteTx) -> Result<(), ApiError> {
        let issued = std::mem::take(&mut self.issued);
        for chunk in issued.chunks(1000) {
            let values: Vec<String> = (0..chunk.len()).map(|r| format!("(${}, ${}, ${}, ${}, 'active')", 4 * r + 1, 4 * r + 2, 4 * r + 3, 4 * r + 4)).collect();
            let sql = format!("INSERT INTO referrals (id, application_number, vacancy_id, issued_at, state) VALUES {}", values.join(", "));
            let mut query = sqlx::query(&sql);
            for (id, number, vacancy_id, issued_at) in chunk {
                query = query.bind(id).bind(number).bind(vacancy_id).bind(*issued_at);
            }
            query.execute(tx.conn()).await?;
        }
        Ok(())
    }

    fn forget_seats(&mut self) {
        self.vacancies.clear();
        self.pools.clear();
    }

    /// Records a claim that took a seat of `vacancy_id` in `pool`.
    fn took(&mut self, number: &str, referred: Stored, view: &ReferralView, vacancy_id: &str, pool: &str, round: WindowRound) {
        self.applications.insert(number.to_owned(), referred);
        self.referrals.insert(number.to_owned(), view.clone());
        if let Some(Some(vacancy)) = self.vacancies.get_mut(vacancy_id) {
            vacancy.free = vacancy.free.saturating_sub(1);
        }
        match (self.pools.get_mut(pool), round) {
            (Some(seats), WindowRound::Remaining) => seats.free = seats.free.saturating_sub(1),
            // A priority window just closed: which pool it reserved a seat in is the database's
            // to say (`reserved_in`), so read the pool again.
            _ => {
                self.pools.remove(pool);
            }
        }
    }
}
