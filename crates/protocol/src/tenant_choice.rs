//! The tenants a sign-in may choose from. A user of several tenants who names none at login
//! is answered 400 with `tenantId` invalid and the choices listed in that field's message
//! (the contract's error body has no other place for them, and the web client shows the
//! message as it is): `you belong to several tenants; choose one of: acme (<id>), …`.
//!
//! The server writes the message with [`TenantChoice::field_error`]; a console reads it
//! back with [`TenantChoice::from_fields`].

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::TenantId;

/// The login field the choices are reported on.
pub const FIELD: &str = "tenantId";

/// What comes before the list in the message.
const LEAD: &str = "you belong to several tenants; choose one of: ";

/// A tenant the user may choose at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantChoice {
    /// Its id.
    pub id: TenantId,
    /// Its short name.
    pub slug: String,
}

impl TenantChoice {
    /// The message listing `choices`.
    pub fn message(choices: &[TenantChoice]) -> String {
        let entries: Vec<String> = choices
            .iter()
            .map(|choice| format!("{} ({})", choice.slug, choice.id))
            .collect();
        format!("{LEAD}{}", entries.join(", "))
    }

    /// The `tenantId` field error listing `choices`.
    pub fn field_error(choices: &[TenantChoice]) -> FieldError {
        FieldError::new(FIELD, Self::message(choices))
    }

    /// The choices a message lists; empty when it lists none (another `tenantId` error).
    pub fn parse(message: &str) -> Vec<TenantChoice> {
        let Some((_, list)) = message.split_once(LEAD.trim_end()) else {
            return Vec::new();
        };
        list.split(',')
            .filter_map(|entry| {
                let (slug, rest) = entry.trim().split_once(" (")?;
                let id: TenantId = rest.strip_suffix(')')?.parse().ok()?;
                Some(TenantChoice {
                    id,
                    slug: slug.to_owned(),
                })
            })
            .collect()
    }

    /// The choices a refused login's field errors offer, if its `tenantId` error lists any.
    pub fn from_fields(fields: &[FieldError]) -> Option<Vec<TenantChoice>> {
        let field = fields.iter().find(|field| field.field == FIELD)?;
        let choices = Self::parse(&field.message);
        (!choices.is_empty()).then_some(choices)
    }
}
