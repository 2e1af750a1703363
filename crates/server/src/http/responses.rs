//! The error answers each kind of route documents: the contract's `ErrorBody`, by status.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

/// Error answers with the contract's body, by status.
fn errors(list: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

const INVALID: (u16, &str) = (400, "invalid input; `fields` names each bad field");
const SIGNED_OUT: (u16, &str) = (401, "missing, invalid or expired access token");
const FORBIDDEN: (u16, &str) = (
    403,
    "your role does not permit this on a channel you can see",
);
const NOT_FOUND: (u16, &str) = (404, "no such channel, or not one you can see");
const CONFLICT: (u16, &str) = (409, "the channel's state does not allow this");

/// Errors of the sign-in routes.
pub struct LoginErrors;

impl IntoResponses for LoginErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            INVALID,
            (401, "wrong email or password"),
            (429, "too many attempts; see `Retry-After`"),
        ])
    }
}

/// Errors of the refresh and sign-out routes.
pub struct RefreshErrors;

impl IntoResponses for RefreshErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, (401, "the refresh token is not valid")])
    }
}

/// Errors of reads that need a session.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT])
    }
}

/// Errors of reads of one channel.
pub struct ChannelReadErrors;

impl IntoResponses for ChannelReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, NOT_FOUND])
    }
}

/// Errors of actions on one channel.
pub struct ChannelActionErrors;

impl IntoResponses for ChannelActionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, FORBIDDEN, NOT_FOUND, CONFLICT])
    }
}

/// Errors of opening a channel.
pub struct CreateErrors;

impl IntoResponses for CreateErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[INVALID, SIGNED_OUT, FORBIDDEN])
    }
}

/// Errors of changing one canned response.
pub struct CannedErrors;

impl IntoResponses for CannedErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            INVALID,
            SIGNED_OUT,
            (
                403,
                "not an agent, or a tenant's canned response and not its admin",
            ),
            (404, "no such canned response, or not one you may use"),
            (409, "the short code is taken; `fields` names it"),
        ])
    }
}
