//! Canned responses (PLATFORM.md, "Agent workflow"): saved replies an agent inserts, the
//! tenant's (managed by its admins) or an agent's own; their REST bodies and limits (the
//! rules are checked with the others in `validate`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::enums::Role;
use crate::ids::{CannedResponseId, TenantId, UserId};

wire_enum!(
    /// Whose a canned response is.
    CannedScope {
        /// The tenant's: every agent of the tenant uses it; its admins manage it.
        Tenant = "TENANT",
        /// One agent's own.
        Personal = "PERSONAL",
    }
);

impl CannedScope {
    /// Whether `role` may save, edit and delete canned responses of this scope: the
    /// tenant's are its admins' to manage, an agent's own are every agent's (whose they are
    /// is checked apart). The platform enforces this; the console only offers what it allows.
    pub fn managed_by(self, role: Role) -> bool {
        role.is_agent()
            && match self {
                Self::Tenant => matches!(role, Role::OrgAdmin | Role::SuperAdmin),
                Self::Personal => true,
            }
    }
}

/// The longest short code, in characters (`[a-z0-9_-]`).
pub const SHORT_CODE_MAX_CHARS: usize = 32;
/// The longest title, in characters after trimming.
pub const TITLE_MAX_CHARS: usize = 100;
/// The longest content, in characters after trimming.
pub const CONTENT_MAX_CHARS: usize = 10_000;

/// A saved reply.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CannedResponse {
    /// Its id.
    pub id: CannedResponseId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// The tenant's or one agent's.
    pub scope: CannedScope,
    /// The agent whose own it is (PERSONAL only).
    pub owner_id: Option<UserId>,
    /// What the agent types after `/` to find it (`[a-z0-9_-]{1,32}`).
    pub short_code: String,
    /// Its name in the picker (1..100 characters).
    pub title: String,
    /// The text inserted, with variables such as `{{customer.name}}` (1..10,000 characters).
    pub content: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/canned-responses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCannedResponseRequest {
    /// The tenant's (admins only) or the caller's own.
    pub scope: CannedScope,
    /// `[a-z0-9_-]{1,32}`, unique among the tenant's, or among the caller's own.
    pub short_code: String,
    /// 1..100 characters.
    pub title: String,
    /// 1..10,000 characters.
    pub content: String,
}

/// `PUT /api/canned-responses/{id}`: what changes (scope and owner never do).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateCannedResponseRequest {
    /// A new short code.
    pub short_code: Option<String>,
    /// A new title.
    pub title: Option<String>,
    /// New content.
    pub content: Option<String>,
}

/// `GET /api/canned-responses?q=`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CannedResponseQuery {
    /// Matches short code or title, case-insensitively; at most 200 characters.
    pub q: Option<String>,
}

/// Whether `code` is a valid short code.
pub fn is_short_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= SHORT_CODE_MAX_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Validate;

    #[test]
    fn short_codes_are_lower_case_words_of_at_most_32() {
        for good in ["refund", "a", "late-fee_2", &"x".repeat(32)] {
            assert!(is_short_code(good), "{good}");
        }
        for bad in [
            "",
            "Refund",
            "has space",
            "émoji",
            &"x".repeat(33),
            "a/b",
            "{{x}}",
        ] {
            assert!(!is_short_code(bad), "{bad}");
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let request = CreateCannedResponseRequest {
            scope: CannedScope::Personal,
            short_code: "Bad Code".to_owned(),
            title: " ".to_owned(),
            content: "x".repeat(CONTENT_MAX_CHARS + 1),
        };
        let fields: Vec<String> = request
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["shortCode", "title", "content"]);
        assert!(UpdateCannedResponseRequest::default().validate().is_err());
    }
}
