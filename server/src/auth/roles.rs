//! Staff roles (issue 11): the locality's education department (originals, priority status,
//! stop-list, the monthly document check) and each kindergarten (its own seats, admission).
//! A role is granted to a staff identity in the `staff_roles` table; every staff operation
//! checks the role and its scope with [`Staff::require_locality`] or
//! [`Staff::require_kindergarten`].

use super::error::AuthError;
use super::Session;

/// One role of a staff member, with its scope (`kezek::contract`: `GET /api/me` lists them).
pub use kezek::contract::StaffRole;

/// A signed-in person with at least one staff role (the extractor answers 401 without a session,
/// 403 `auth.not_staff` without a role).
#[derive(Clone, Debug)]
pub struct Staff {
    pub session: Session,
    pub roles: Vec<StaffRole>,
}

impl Staff {
    /// Ok when this person is the education department of `locality`; else `auth.out_of_scope`.
    pub fn require_locality(&self, locality: &str) -> Result<(), AuthError> {
        let allowed = self.roles.iter().any(|r| matches!(r, StaffRole::EducationDepartment { locality: l } if l == locality));
        allowed.then_some(()).ok_or(AuthError::OutOfScope)
    }

    /// Ok when this person is staff of kindergarten `kindergarten`; else `auth.out_of_scope`.
    /// (A department is not a kindergarten: seats and admission are the kindergarten's own.)
    pub fn require_kindergarten(&self, kindergarten: &str) -> Result<(), AuthError> {
        let allowed = self.roles.iter().any(|r| matches!(r, StaffRole::Kindergarten { kindergarten: k } if k == kindergarten));
        allowed.then_some(()).ok_or(AuthError::OutOfScope)
    }

    /// The localities whose education department this person is.
    pub fn localities(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().filter_map(|r| match r {
            StaffRole::EducationDepartment { locality } => Some(locality.as_str()),
            StaffRole::Kindergarten { .. } => None,
        })
    }

    /// The kindergartens this person works for.
    pub fn kindergartens(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().filter_map(|r| match r {
            StaffRole::Kindergarten { kindergarten } => Some(kindergarten.as_str()),
            StaffRole::EducationDepartment { .. } => None,
        })
    }
}
