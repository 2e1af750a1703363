//! Every REST endpoint of the contract, described once (the ruma pattern): its method, path,
//! what it takes, what it answers and what it needs of the caller. The server's router and
//! OpenAPI document, the console's REST client and the server's cross-tenant attack suite
//! all read these, and tests hold each of them to [`ALL`].

use crate::canned::{
    CannedResponse, CannedResponseQuery, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use crate::rest::{
    AssignRequest, ChannelListQuery, CreateChannelRequest, EscalateRequest, HealthResponse,
    LoginRequest, LoginResponse, LogoutRequest, MarkReadRequest, MeResponse, MessagesQuery,
    RefreshRequest, ResolveRequest, SendMessageRequest, SyncQuery, SyncResponse, TokenPair,
    UpdateTicketRequest, UserListQuery,
};
use crate::roles::Permission;
use crate::sla::{PutSlaPolicyRequest, SlaPolicy};
use crate::{Channel, Message, UserSummary};

/// An HTTP method the contract uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name, upper-case.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// What an endpoint needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Nothing: no token (sign-in, refresh, sign-out, health).
    Public,
    /// A valid access token whose role grants this permission. Endpoints about one channel
    /// also need the channel to be visible to the caller (404 otherwise) and may need more
    /// of the role for what the request asks (the role table).
    Token(Permission),
}

/// One endpoint's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// A stable name (the type's), for test tables and logs.
    pub name: &'static str,
    /// Its method.
    pub method: Method,
    /// Its path, with `{id}` where a channel id goes (axum's and OpenAPI's syntax alike).
    pub path: &'static str,
    /// What it needs of the caller.
    pub access: Access,
}

impl Route {
    /// Whether the path names a channel (`/api/chat/channels/{id}…`).
    pub fn takes_channel(&self) -> bool {
        self.path.starts_with("/api/chat/channels/") && self.path.contains(ID)
    }

    /// Whether the path names a resource by id (`{id}`): a channel or a canned response.
    pub fn takes_id(&self) -> bool {
        self.path.contains(ID)
    }

    /// The path with `id` in place of `{id}` (or of `{priority}`, for an SLA policy).
    pub fn path_for(&self, id: &impl std::fmt::Display) -> String {
        let id = id.to_string();
        self.path.replace(ID, &id).replace(PRIORITY, &id)
    }
}

/// Where a channel id goes in a path.
const ID: &str = "{id}";
/// Where a ticket priority goes in a path.
const PRIORITY: &str = "{priority}";

/// An endpoint: its route, and the types it takes and answers (`()` for none).
pub trait Endpoint {
    /// Its method, path and access.
    const ROUTE: Route;
    /// Its JSON body.
    type Body;
    /// Its query string.
    type Query;
    /// What a success answers (`()`: no content).
    type Response;
}

macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $name:ident: $method:ident $path:literal, $access:expr,
            body $body:ty, query $query:ty => $response:ty;
    )+) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct $name;

            impl Endpoint for $name {
                const ROUTE: Route = Route {
                    name: stringify!($name),
                    method: Method::$method,
                    path: $path,
                    access: $access,
                };
                type Body = $body;
                type Query = $query;
                type Response = $response;
            }

            impl $name {
                /// The path (for `#[utoipa::path(path = …)]`, which takes a constant).
                pub const PATH: &'static str = $path;
            }
        )+

        /// Every endpoint of the contract.
        pub const ALL: &[Route] = &[$(<$name as Endpoint>::ROUTE),+];
    };
}

use Access::{Public, Token};
use Permission::{Access as Chat, CreateChannel as Create};

endpoints! {
    /// Sign in.
    Login: Post "/api/auth/login", Public, body LoginRequest, query () => LoginResponse;
    /// Trade a refresh token for a new pair.
    Refresh: Post "/api/auth/refresh", Public, body RefreshRequest, query () => TokenPair;
    /// Revoke a refresh token.
    Logout: Post "/api/auth/logout", Public, body LogoutRequest, query () => ();
    /// The caller, its tenant, role and permissions.
    Me: Get "/api/users/me", Token(Chat), body (), query () => MeResponse;
    /// The active tenant's users.
    ListUsers: Get "/api/users", Token(Chat), body (), query UserListQuery => Vec<UserSummary>;
    /// One page of the queue.
    ListChannels: Get "/api/chat/channels", Token(Chat), body (), query ChannelListQuery => Vec<Channel>;
    /// Open a channel or ticket.
    CreateChannel: Post "/api/chat/channels", Token(Create), body CreateChannelRequest, query () => Channel;
    /// One channel.
    GetChannel: Get "/api/chat/channels/{id}", Token(Chat), body (), query () => Channel;
    /// A page of a channel's messages.
    ListMessages: Get "/api/chat/channels/{id}/messages", Token(Chat), body (), query MessagesQuery => Vec<Message>;
    /// Post a message.
    SendMessage: Post "/api/chat/channels/{id}/messages", Token(Chat), body SendMessageRequest, query () => Message;
    /// Move the caller's read marker.
    MarkRead: Put "/api/chat/channels/{id}/read", Token(Chat), body MarkReadRequest, query () => ();
    /// Hand a channel to platform support.
    Escalate: Put "/api/chat/channels/{id}/escalate", Token(Permission::Escalate), body EscalateRequest, query () => Channel;
    /// Assign a channel.
    Assign: Put "/api/chat/channels/{id}/assign", Token(Permission::Assign), body AssignRequest, query () => Channel;
    /// Resolve a channel and its ticket.
    Resolve: Put "/api/chat/channels/{id}/resolve", Token(Permission::Resolve), body ResolveRequest, query () => Channel;
    /// Reopen a resolved channel.
    Reopen: Put "/api/chat/channels/{id}/reopen", Token(Permission::Resolve), body (), query () => Channel;
    /// Change a ticket's status, priority or category.
    UpdateTicket: Put "/api/chat/channels/{id}/ticket", Token(Chat), body UpdateTicketRequest, query () => Channel;
    /// Archive a channel.
    Archive: Delete "/api/chat/channels/{id}", Token(Permission::Archive), body (), query () => ();
    /// What changed since a cursor.
    Sync: Get "/api/chat/sync", Token(Chat), body (), query SyncQuery => SyncResponse;
    /// The canned responses the caller may use (agents).
    ListCannedResponses: Get "/api/canned-responses", Token(Chat), body (), query CannedResponseQuery => Vec<CannedResponse>;
    /// Save a canned response.
    CreateCannedResponse: Post "/api/canned-responses", Token(Chat), body CreateCannedResponseRequest, query () => CannedResponse;
    /// Change a canned response.
    UpdateCannedResponse: Put "/api/canned-responses/{id}", Token(Chat), body UpdateCannedResponseRequest, query () => CannedResponse;
    /// Delete a canned response.
    DeleteCannedResponse: Delete "/api/canned-responses/{id}", Token(Chat), body (), query () => ();
    /// The SLA policies of the caller's tenant (agents).
    ListSlaPolicies: Get "/api/sla-policies", Token(Chat), body (), query () => Vec<SlaPolicy>;
    /// Replaces the SLA policy of one priority (ORG_ADMIN, SUPER_ADMIN).
    PutSlaPolicy: Put "/api/sla-policies/{priority}", Token(Chat), body PutSlaPolicyRequest, query () => SlaPolicy;
    /// Whether the platform is up.
    Health: Get "/api/health", Public, body (), query () => HealthResponse;
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_route_is_named_once_and_its_method_and_path_are_unique() {
        let names: HashSet<_> = ALL.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), ALL.len());
        let routes: HashSet<_> = ALL.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(routes.len(), ALL.len());
        assert!(ALL.iter().all(|r| r.path.starts_with("/api/")));
    }

    #[test]
    fn a_channel_path_is_filled_in() {
        let route = <Assign as Endpoint>::ROUTE;
        assert!(route.takes_channel());
        assert_eq!(route.path_for(&"abc"), "/api/chat/channels/abc/assign");
        assert!(!<ListChannels as Endpoint>::ROUTE.takes_channel());
    }
}
