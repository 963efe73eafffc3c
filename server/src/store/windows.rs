//! The daily distribution (rules 24.4, 24.10, 28, 29): at the window time of a working day, the
//! core's [`plan`] decides who gets access to referrals for which pool of seats; this module
//! only gathers its inputs and applies each grant as a `WindowOpened` transition with its log
//! entry. Idempotent per pool and day (`distribution_runs`).

use super::rows;
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::queue::distribution::{offer_ended, plan, Candidate, OpenWindow, Supply};
use kezek::queue::Entry;
use kezek::status::{deadline, Event, Status};
use kezek::tlog::EventBody;
use std::collections::HashSet;

/// A family number for rule 29 from an applicant's keyed hash.
fn family(applicant_key: &str) -> Option<u64> {
    u64::from_str_radix(applicant_key.get(..16)?, 16).ok()
}

impl Store {
    /// Opens the day's access windows at `now`; returns how many.
    pub async fn distribute(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let d = self.deadlines();
        let today = deadline::local_date(now);
        if !self.calendar.is_working_day(today) || now < d.window_opens(today).map_err(|_| ApiError::Internal)? {
            return Ok(0);
        }
        in_write_tx!(self, |tx| {
            let waiting = rows::applications_where(tx.conn(), "queue_state IN ('queued', 'temporary_stay') OR state = $1", "window_open").await?;
            let mut candidates = Vec::new();
            let mut open = Vec::new();
            let mut by_number = std::collections::HashMap::new();
            for stored in waiting {
                let status = stored.status_at(now, &d)?;
                let group = stored.seat_group(today);
                match status {
                    Status::WindowOpen { round, .. } => open.push(OpenWindow { pool: stored.queue.pool(group), round }),
                    s if s.is_candidate() => {
                        let Some(state) = s.queue_state() else { continue };
                        let entry = Entry { number: stored.number, submitted_at: stored.submitted_at.timestamp(), class: stored.class, state };
                        candidates.push(Candidate { entry, queue: stored.queue.clone(), group, family: family(&stored.applicant_key) });
                        by_number.insert(stored.number, stored);
                    }
                    _ => {}
                }
            }
            // The seats of the bulletins published before today (rule 24.3 at 18:00, 24.4 at
            // 07:00): a bulletin published later today is distributed tomorrow morning, never
            // the same evening by a job that runs after it.
            let vacancies = rows::vacancies_where_text(tx.conn(), "v.published_on IS NOT NULL AND v.published_on < $1 AND v.free > 0", &today.to_string()).await?;
            let mut supply = Vec::new();
            for v in &vacancies {
                let ended = match v.offered_on {
                    Some(on) => offer_ended(on, today, &d).map_err(|_| ApiError::Internal)?,
                    None => false,
                };
                supply.push(Supply { seat: v.seat.clone(), free: v.free, leftover: if ended { v.free } else { 0 } });
            }
            let done: HashSet<String> = sqlx::query_as::<_, (String,)>("SELECT pool FROM distribution_runs WHERE run_on = $1")
                .bind(today.to_string())
                .fetch_all(tx.conn())
                .await?
                .into_iter()
                .map(|(pool,)| pool)
                .collect();
            let grants: Vec<_> = plan(&candidates, &supply, &open, &self.policy).into_iter().filter(|g| !done.contains(&g.pool.to_string())).collect();
            let opened = grants.len() as u64;
            for grant in &grants {
                let Some(stored) = by_number.get(&grant.number) else { continue };
                let entry = EventBody::WindowOpened { application: stored.number.to_string(), round: grant.round.code().to_owned() };
                let event = Event::WindowOpened { on: today, round: grant.round };
                self.transition(tx, stored, &event, Some(entry), Some((&grant.pool, grant.round)), now).await?;
            }
            // The seats a priority round offered today start their three days (rule 24.10).
            let offered: HashSet<String> = grants.iter().filter(|g| g.round == kezek::status::WindowRound::Priority).map(|g| g.pool.to_string()).collect();
            for v in vacancies.iter().filter(|v| v.offered_on.is_none() && offered.contains(&v.seat.pool().to_string())) {
                sqlx::query("UPDATE vacancies SET offered_on = $1 WHERE id = $2 AND offered_on IS NULL").bind(today.to_string()).bind(&v.id).execute(tx.conn()).await?;
            }
            let pools: HashSet<String> = vacancies.iter().map(|v| v.seat.pool().to_string()).filter(|p| !done.contains(p)).collect();
            for pool in pools {
                sqlx::query("INSERT INTO distribution_runs (pool, run_on, ran_at) VALUES ($1, $2, $3)")
                    .bind(pool)
                    .bind(today.to_string())
                    .bind(now.timestamp_millis())
                    .execute(tx.conn())
                    .await?;
            }
            if opened > 0 {
                tracing::info!(windows = opened, day = %today, "access to referrals opened");
            }
            Ok(opened)
        })
    }
}
