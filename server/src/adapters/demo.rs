//! Demo implementations of the adapters over the `civil_links` and `state_grounds` tables, and
//! the demo people (`server/demo/people.json`, shared with the local OpenID provider
//! `scripts/services/oidc.mjs`) that seed them and the staff roles.

use super::{AdapterError, AdapterFuture, CivilRegistry, StateGrounds};
use crate::auth::store::grant_role;
use crate::auth::{StaffIdentity, StaffRole};
use crate::db::{Db, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};
use kezek::application::Category;
use kezek::iin::Iin;
use serde::Deserialize;

/// The demo people, as `server/demo/people.json` lists them.
#[derive(Clone, Debug, Deserialize)]
pub struct DemoPeople {
    pub citizens: Vec<DemoCitizen>,
    pub staff: Vec<DemoStaff>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCitizen {
    /// The provider's account id, also the ID token's `sub`.
    pub id: String,
    pub iin: String,
    pub family_name: String,
    pub given_name: String,
    pub locale: String,
    /// The children's IINs the civil registry links to this citizen.
    pub children: Vec<String>,
    pub grounds: Vec<DemoGround>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DemoGround {
    /// Whose ground it is: the citizen's or a child's IIN.
    pub iin: String,
    /// An Appendix 1 category id (`serviceman`, `special_needs`, …).
    pub category: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoStaff {
    pub id: String,
    pub iin: String,
    pub family_name: String,
    pub given_name: String,
    pub locale: String,
    /// `education_department` (with `locality`) or `kindergarten` (with `kindergarten`).
    pub role: String,
    pub locality: Option<String>,
    pub kindergarten: Option<String>,
}

impl DemoStaff {
    pub fn staff_role(&self) -> Option<StaffRole> {
        match (self.role.as_str(), &self.locality, &self.kindergarten) {
            ("education_department", Some(locality), None) => Some(StaffRole::EducationDepartment { locality: locality.clone() }),
            ("kindergarten", None, Some(kindergarten)) => Some(StaffRole::Kindergarten { kindergarten: kindergarten.clone() }),
            _ => None,
        }
    }
}

const PEOPLE_JSON: &str = include_str!("../../demo/people.json");

/// The built-in demo people.
pub fn demo_people() -> DemoPeople {
    // The file is part of the source tree and checked by a unit test; an error is a build bug.
    serde_json::from_str(PEOPLE_JSON).unwrap_or_else(|error| panic!("server/demo/people.json: {error}"))
}

/// Seeds the demo civil registry, state grounds and staff roles (granted to the staff's IINs,
/// whatever port the local provider runs on) in the caller's transaction. Idempotent.
pub async fn seed_demo_people(tx: &mut WriteTx, people: &DemoPeople, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for citizen in &people.citizens {
        for child in &citizen.children {
            sqlx::query("INSERT INTO civil_links (applicant_iin, child_iin) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(&citizen.iin)
                .bind(child)
                .execute(tx.conn())
                .await?;
        }
        for ground in &citizen.grounds {
            sqlx::query("INSERT INTO state_grounds (person_iin, category) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(&ground.iin)
                .bind(&ground.category)
                .execute(tx.conn())
                .await?;
        }
    }
    for staff in &people.staff {
        if let Some(role) = staff.staff_role() {
            grant_role(tx.conn(), &StaffIdentity::Iin(staff.iin.clone()), &role, now).await?;
        }
    }
    Ok(())
}

/// The civil registry of demo mode: the `civil_links` table.
#[derive(Clone)]
pub struct DemoCivilRegistry {
    pub db: Db,
}

impl CivilRegistry for DemoCivilRegistry {
    fn children_of<'a>(&'a self, applicant: &'a Iin, today: NaiveDate) -> AdapterFuture<'a, Vec<Iin>> {
        Box::pin(async move {
            let rows: Vec<(String,)> = sqlx::query_as("SELECT child_iin FROM civil_links WHERE applicant_iin = $1 ORDER BY child_iin")
                .bind(applicant.as_digits())
                .fetch_all(&self.db.pool)
                .await
                .map_err(AdapterError::from)?;
            Ok(rows
                .into_iter()
                .filter_map(|(text,)| match Iin::parse(&text, today) {
                    Ok(iin) => Some(iin),
                    Err(error) => {
                        tracing::warn!(code = error.code(), "civil_links holds an IIN that does not parse; left out");
                        None
                    }
                })
                .collect())
        })
    }
}

/// The state grounds of demo mode: the `state_grounds` table, for the applicant or the child.
#[derive(Clone)]
pub struct DemoStateGrounds {
    pub db: Db,
}

impl StateGrounds for DemoStateGrounds {
    fn confirmed<'a>(&'a self, applicant: &'a Iin, child: &'a Iin) -> AdapterFuture<'a, Vec<Category>> {
        Box::pin(async move {
            let rows: Vec<(String,)> = sqlx::query_as("SELECT category FROM state_grounds WHERE person_iin = $1 OR person_iin = $2")
                .bind(applicant.as_digits())
                .bind(child.as_digits())
                .fetch_all(&self.db.pool)
                .await
                .map_err(AdapterError::from)?;
            let found: Vec<Category> = rows.iter().filter_map(|(id,)| Category::parse(id)).collect();
            Ok(Category::ALL.into_iter().filter(|c| found.contains(c)).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezek::iin::Sex;

    #[test]
    fn every_demo_iin_is_valid_and_every_role_and_ground_is_known() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let people = demo_people();
        assert!(people.citizens.len() >= 3 && !people.staff.is_empty());
        let mut all = Vec::new();
        for c in &people.citizens {
            let parent = Iin::parse(&c.iin, today).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            assert!(parent.age_on(today) >= 18, "{} is an adult", c.id);
            all.push(c.iin.clone());
            for child in &c.children {
                let child_iin = Iin::parse(child, today).unwrap_or_else(|e| panic!("{}'s child {child}: {e}", c.id));
                assert!(child_iin.age_on(today) < 6, "{child} is of preschool age");
                all.push(child.clone());
            }
            for g in &c.grounds {
                assert!(Category::parse(&g.category).is_some(), "{}", g.category);
                assert!(g.iin == c.iin || c.children.contains(&g.iin), "a ground of {} belongs to the family", c.id);
            }
        }
        for s in &people.staff {
            Iin::parse(&s.iin, today).unwrap();
            assert!(s.staff_role().is_some(), "{} has a role with its scope", s.id);
            if let Some(kindergarten) = &s.kindergarten {
                // The demo's kindergarten ids (`kg1` … `kg6`, server/src/demo.rs) are queue-key
                // tokens: `kg-1` would name no kindergarten and break special queue keys.
                assert!(kezek::queue::Token::new(kindergarten).is_ok(), "{}: {kindergarten} is not a token", s.id);
                assert!(matches!(kindergarten.as_str(), "kg1" | "kg2" | "kg3" | "kg4" | "kg5" | "kg6"), "{}: {kindergarten} is a demo kindergarten", s.id);
            }
            all.push(s.iin.clone());
        }
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "no IIN is used twice");
        // Both sexes among the demo parents, so the demo shows either.
        let sexes: Vec<Sex> = people.citizens.iter().map(|c| Iin::parse(&c.iin, today).unwrap().sex()).collect();
        assert!(sexes.contains(&Sex::Male) && sexes.contains(&Sex::Female));
    }
}
