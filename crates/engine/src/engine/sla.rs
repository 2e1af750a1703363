//! The engine's SLA policies: read from and replaced on the platform (they are not cached:
//! only the settings read them, and a ticket's due times already come worked out with it).

use protocol::sla::{PutSlaPolicyRequest, SlaPolicy};
use protocol::validate::Validate;
use protocol::TicketPriority;

use super::Engine;
use crate::error::{Error, Result};

/// An offline failure, said plainly: the policies live on the platform alone.
fn needs_platform(error: Error) -> Error {
    match error {
        Error::Offline(why) => Error::Offline(format!(
            "SLA policies are read and changed on the platform, which cannot be reached now ({why})"
        )),
        other => other,
    }
}

impl Engine {
    /// The SLA policies of the user's tenant, one per priority that has one (agents).
    pub async fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        self.session()?
            .call(|api| async move { api.sla_policies().await })
            .await
            .map_err(needs_platform)
    }

    /// Replaces the SLA policy of `priority` (the tenant's admins). The request is checked
    /// by the platform's rules first, so a bad one never leaves; the platform's refusal
    /// names its fields too ([`Error::Invalid`]).
    pub async fn put_sla_policy(
        &self,
        priority: TicketPriority,
        request: PutSlaPolicyRequest,
    ) -> Result<SlaPolicy> {
        request
            .validate()
            .map_err(|fields| Error::Invalid { fields })?;
        self.session()?
            .call(|api| {
                let request = request.clone();
                async move { api.put_sla_policy(priority, &request).await }
            })
            .await
            .map_err(needs_platform)
    }
}
