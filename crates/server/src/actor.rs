//! The actor: who is acting, in which tenant, with which role — taken from a verified access
//! token and nothing else. Every store function over tenant data takes one, so no query can
//! forget whose data it may touch.

use protocol::{Audience, Role, TenantId, UserId};

use crate::error::ApiError;

/// A verified user acting in one tenant (or, for a super admin, possibly all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user_id: UserId,
    tenant_id: Option<TenantId>,
    role: Role,
}

impl Actor {
    /// An actor vouched for by the caller: only the token verifier, the socket handshake and
    /// the server's own seeding may make one.
    pub(crate) fn vouched(
        user_id: UserId,
        tenant_id: Option<TenantId>,
        role: Role,
    ) -> Result<Self, ApiError> {
        if tenant_id.is_none() && role != Role::SuperAdmin {
            return Err(ApiError::Unauthorized("the token names no tenant"));
        }
        Ok(Self {
            user_id,
            tenant_id,
            role,
        })
    }

    /// The platform itself acting in `tenant` (its background tasks, such as recording SLA
    /// breaches): it reads the tenant as the tenant's admin does, and is no user.
    pub(crate) fn platform(tenant: TenantId) -> Self {
        Self {
            user_id: UserId::from(uuid::Uuid::nil()),
            tenant_id: Some(tenant),
            role: Role::OrgAdmin,
        }
    }

    /// The acting user.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// The tenant the actor acts in; `None` for a super admin acting across tenants.
    pub fn tenant_id(&self) -> Option<TenantId> {
        self.tenant_id
    }

    /// The actor's role in that tenant.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The tenant data the actor may reach: its tenant's, or every tenant's.
    pub fn scope(&self) -> Scope {
        match self.tenant_id {
            Some(tenant) => Scope::Tenant(tenant),
            None => Scope::AllTenants,
        }
    }

    /// Who the actor reads as: an agent, or everyone else.
    pub fn audience(&self) -> Audience {
        Audience::of_reader(self.role)
    }
}

/// The tenant data an actor may reach. Every query over a tenant table takes its scope from
/// here (`Sql::push_scope`), never from a tenant id it was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One tenant's rows.
    Tenant(TenantId),
    /// Every tenant's rows: a super admin's session that names no tenant.
    AllTenants,
}
