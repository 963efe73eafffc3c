//! Notifications written with the change they tell about (rules 23, 24.9): every status change
//! of `lifecycle.rs` and every accepted submission calls [`Store::notify_change`] /
//! [`Store::notify_accepted`] inside its own transaction, which turns the core's
//! [`plan`](crate::notify::plan) into outbox rows ([`crate::notify::enqueue`]) and cancels the
//! reminders the change made moot. So a message exists if and only if its event committed, and
//! a retried operation (which changes nothing and logs nothing) enqueues nothing again.
//!
//! Addressed by the application's own contacts (the phones and e-mail of its normalised
//! Appendix 1 JSON, read here and nowhere else), in the application's language unless the
//! applicant chose channels and a language (`api/notifications.rs`). Bulk loading turns this
//! off for its transaction ([`WriteTx::without_notifications`]).

use super::rows::Stored;
use super::Store;
use crate::db::WriteTx;
use crate::secrets::DataKey;
use crate::error::ApiError;
use crate::notify::plan::{self, Cause};
use crate::notify::{self, EnqueueError, Outgoing, Preferences};
use chrono::{DateTime, Utc};
use kezek::application::email::parse_email;
use kezek::application::phone::parse_mobile;
use kezek::application::{Draft, Notifications};
use kezek::i18n::Lang;
use kezek::queue::ApplicationNumber;
use kezek::status::Status;
use sqlx::AnyConnection;
use std::collections::HashMap;

impl From<EnqueueError> for ApiError {
    fn from(error: EnqueueError) -> ApiError {
        match error {
            EnqueueError::Database(error) => error.into(),
            EnqueueError::Sealing => ApiError::Internal,
            EnqueueError::NumberLooksLikeIin => {
                tracing::error!("an application number reads as an IIN; no notification written");
                ApiError::Internal
            }
        }
    }
}

/// The contacts of a normalised Appendix 1 application (`applications.personal`), parsed by the
/// core's own rules; one that no longer parses is left out.
pub(crate) fn contacts_of(personal: &str) -> Notifications {
    let draft = serde_json::from_str(personal).ok().and_then(|value| Draft::from_value(&value).ok()).unwrap_or_default();
    Notifications {
        phones: draft.notifications.phones.iter().flatten().filter_map(|p| parse_mobile(p)).take(2).collect(),
        email: draft.notifications.email.as_deref().and_then(|e| parse_email(e).ok()),
    }
}

/// The contacts of application `number`.
pub(crate) async fn contacts(conn: &mut AnyConnection, key: &DataKey, number: &str) -> Result<Notifications, ApiError> {
    let row = read_contacts(conn, &[number]).await?.remove(number);
    Ok(row.map(|row| row.open(key, number).0).unwrap_or_else(no_contacts))
}

/// An application's contacts as stored (sealed) and the applicant's channel choice: what a
/// change reads to address its messages, kept in the transaction when read ahead
/// ([`prefetch_contacts`]).
#[derive(Clone, Debug)]
pub(crate) struct Contacts {
    personal: String,
    choice: Option<Preferences>,
}

impl Contacts {
    /// Opened with `key`. Sealed at rest (issue 15); erased after the retention period it opens
    /// empty: no contacts. One that does not open (another key) is logged and sends nothing
    /// rather than failing the change.
    fn open(&self, key: &DataKey, number: &str) -> (Notifications, Option<Preferences>) {
        let personal = key.open(number, &self.personal).unwrap_or_else(|_| {
            tracing::error!(number, "personal data does not open with this server's data key");
            String::new()
        });
        (contacts_of(&personal), self.choice)
    }
}

fn no_contacts() -> Notifications {
    Notifications { phones: Vec::new(), email: None }
}

/// The stored contacts and channel choices of applications `numbers`, in one statement.
async fn read_contacts(conn: &mut AnyConnection, numbers: &[&str]) -> Result<HashMap<String, Contacts>, ApiError> {
    if numbers.is_empty() {
        return Ok(HashMap::new());
    }
    let list = (1..=numbers.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT a.number, a.personal, p.email, p.sms, p.language FROM applications a \
         LEFT JOIN notification_preferences p ON p.application_number = a.number WHERE a.number IN ({list})"
    );
    let mut query = sqlx::query_as::<_, (String, String, Option<i64>, Option<i64>, Option<String>)>(&sql);
    for number in numbers {
        query = query.bind(*number);
    }
    let mut found = HashMap::with_capacity(numbers.len());
    for (number, personal, email, sms, language) in query.fetch_all(conn).await? {
        let choice = match (email, sms, language) {
            (Some(email), Some(sms), Some(language)) => Some(Preferences { email: email == 1, sms: sms == 1, lang: Lang::parse(&language) }),
            _ => None,
        };
        found.insert(number, Contacts { personal, choice });
    }
    Ok(found)
}

/// Reads the contacts of applications `numbers` ahead into `tx`, in one statement, for the
/// changes it is about to make (a batch of claims: `batch.rs`). Only for a transaction that
/// does not change them itself: the copy is what its changes address.
pub(crate) async fn prefetch_contacts(tx: &mut WriteTx, numbers: &[&str]) -> Result<(), ApiError> {
    if !tx.notifies() {
        return Ok(());
    }
    let found = read_contacts(tx.conn(), numbers).await?;
    tx.contacts.extend(found);
    Ok(())
}

/// The contacts of application `number` and the applicant's channel choice: read ahead into
/// `tx`, else read now.
async fn contacts_and_choice(tx: &mut WriteTx, key: &DataKey, number: &str) -> Result<(Notifications, Option<Preferences>), ApiError> {
    if let Some(row) = tx.contacts.get(number) {
        return Ok(row.open(key, number));
    }
    let row = read_contacts(tx.conn(), &[number]).await?.remove(number);
    Ok(row.map(|row| row.open(key, number)).unwrap_or_else(|| (no_contacts(), None)))
}

impl Store {
    /// The applicant's notification settings for `stored`: their choice, else the sender's
    /// default (each channel the application gives a contact for, in its language).
    pub async fn notification_settings(&self, stored: &Stored) -> Result<Preferences, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        if let Some(choice) = notify::preferences(&mut conn, stored.number).await? {
            return Ok(choice);
        }
        let contacts = contacts(&mut conn, &self.data_key, &stored.number.to_string()).await?;
        Ok(Preferences { email: contacts.email.is_some(), sms: !contacts.phones.is_empty(), lang: stored.lang })
    }

    /// Stores the applicant's choice for `stored` at `now`; answers it.
    pub async fn set_notification_settings(&self, stored: &Stored, choice: Preferences, now: DateTime<Utc>) -> Result<Preferences, ApiError> {
        let mut tx = self.db.begin_write().await?;
        notify::set_preferences(&mut tx, stored.number, choice, now).await?;
        tx.commit().await?;
        Ok(choice)
    }

    /// Writes the notifications of `before` (its status as it was) changing to `after` by
    /// `cause`: `event_key` names the change (its log entry), `now` is when it happened.
    pub(crate) async fn notify_change(&self, tx: &mut WriteTx, before: &Stored, cause: Cause<'_>, after: &Status, event_key: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
        if !tx.notifies() {
            return Ok(());
        }
        let d = self.deadlines();
        let stored = before;
        let plan = plan::plan(stored.number, &stored.status, cause, after, now, &d).map_err(|_| ApiError::Internal)?;
        for key in &plan.cancel {
            notify::cancel(tx, key);
        }
        if plan.send.is_empty() {
            return Ok(());
        }
        let (contacts, choice) = contacts_and_choice(tx, &self.data_key, &stored.number.to_string()).await?;
        let keys: Vec<(String, DateTime<Utc>)> = plan
            .send
            .iter()
            .map(|planned| match &planned.reminder {
                Some((key, due)) => (key.clone(), *due),
                None => (format!("{event_key}:{}", planned.message.kind()), now),
            })
            .collect();
        let outgoing: Vec<Outgoing<'_>> = plan
            .send
            .into_iter()
            .zip(&keys)
            .map(|(planned, (key, due))| Outgoing { event_key: key, application: stored.number, message: planned.message, contacts: &contacts, lang: stored.lang, due_at: *due })
            .collect();
        notify::enqueue_later(tx, &self.data_key, &outgoing, choice, now)?;
        Ok(())
    }

    /// Writes the `accepted` notification of a submission whose `application_accepted` entry is
    /// `event_key`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn notify_accepted(
        &self,
        tx: &mut WriteTx,
        number: ApplicationNumber,
        status: &Status,
        contacts: &Notifications,
        lang: Lang,
        event_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if !tx.notifies() {
            return Ok(());
        }
        let message = plan::accepted(status, &self.deadlines()).map_err(|_| ApiError::Internal)?;
        let key = format!("{event_key}:{}", message.kind());
        let outgoing = Outgoing { event_key: &key, application: number, message, contacts, lang, due_at: now };
        // A new application has no channel choice yet: the default applies.
        notify::enqueue_later(tx, &self.data_key, std::slice::from_ref(&outgoing), None, now)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_come_from_the_normalised_application_and_bad_ones_are_left_out() {
        let personal = r#"{"notifications":{"phones":["+77010000001","12",null,"8 777 000 00 02"],"email":"parent@example.kz"},"applicant":{"iin":"920514441016"}}"#;
        let contacts = contacts_of(personal);
        let phones: Vec<&str> = contacts.phones.iter().map(|p| p.as_str()).collect();
        assert_eq!(phones, ["+77010000001", "+77770000002"], "`12` is no mobile number");
        assert_eq!(contacts.email.as_ref().map(|e| e.as_str()), Some("parent@example.kz"));
        assert!(contacts_of("not json").phones.is_empty());
    }
}
