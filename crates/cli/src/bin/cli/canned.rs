//! `switchboard-cli canned list|add|edit|rm`: the user's canned responses. `list` reads
//! the cache (offline too); the others change them on the platform and the cache at once.
//! A canned response is named by its short code, or by its id (or the id's first
//! characters) when a tenant's and a personal one share a code.

use clap::{Subcommand, ValueEnum};
use engine::{Engine, Error};
use protocol::canned::{
    CannedResponse, CannedScope, CreateCannedResponseRequest, UpdateCannedResponseRequest,
};
use protocol::{CannedResponseId, FieldError};

/// Whose a new canned response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scope {
    /// Your own.
    Personal,
    /// The tenant's (admins only).
    Tenant,
}

/// `canned …`.
#[derive(Debug, Subcommand)]
pub enum CannedCommand {
    /// The canned responses you may use, by short code, from the cache.
    List {
        /// One JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Save a new canned response.
    Add {
        /// What you type after `/` to find it: `[a-z0-9_-]`, at most 32.
        short_code: String,
        /// Its name in the picker.
        #[arg(long)]
        title: String,
        /// The text, with variables such as `{{customer.name}}`.
        #[arg(long)]
        content: String,
        /// Yours, or the tenant's (admins only).
        #[arg(long, value_enum, default_value_t = Scope::Personal)]
        scope: Scope,
    },
    /// Change a canned response.
    Edit {
        /// Its short code, or its id (or the id's first characters).
        which: String,
        /// A new short code.
        #[arg(long)]
        short_code: Option<String>,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        /// New content.
        #[arg(long)]
        content: Option<String>,
    },
    /// Delete a canned response.
    Rm {
        /// Its short code, or its id (or the id's first characters).
        which: String,
    },
}

/// Runs `command`.
pub async fn run(engine: &Engine, command: CannedCommand) -> anyhow::Result<u8> {
    match command {
        CannedCommand::List { json } => {
            let all = engine.canned_responses().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for response in &all {
                    println!("{}", line(response));
                }
            }
        }
        CannedCommand::Add {
            short_code,
            title,
            content,
            scope,
        } => {
            let request = CreateCannedResponseRequest {
                scope: match scope {
                    Scope::Personal => CannedScope::Personal,
                    Scope::Tenant => CannedScope::Tenant,
                },
                short_code,
                title,
                content,
            };
            let created = engine.create_canned(request).await?;
            println!("saved {}", line(&created));
        }
        CannedCommand::Edit {
            which,
            short_code,
            title,
            content,
        } => {
            let id = find(engine, &which).await?;
            let request = UpdateCannedResponseRequest {
                short_code,
                title,
                content,
            };
            let updated = engine.update_canned(id, request).await?;
            println!("changed {}", line(&updated));
        }
        CannedCommand::Rm { which } => {
            let id = find(engine, &which).await?;
            engine.delete_canned(id).await?;
            println!("deleted {which}");
        }
    }
    Ok(0)
}

/// One canned response on a line: `/code  scope  id  title`.
pub fn line(response: &CannedResponse) -> String {
    format!(
        "/{:<16} {:<8} {}  {}",
        response.short_code,
        response.scope.as_str(),
        short(response.id),
        response.title
    )
}

fn short(id: CannedResponseId) -> String {
    id.to_string().chars().take(8).collect()
}

/// The cached canned response `which` names: an id, a short code, or an id's first
/// characters (at least 4).
async fn find(engine: &Engine, which: &str) -> Result<CannedResponseId, Error> {
    if let Ok(id) = which.parse::<CannedResponseId>() {
        return Ok(id);
    }
    let which = which.trim().trim_start_matches('/');
    let all = engine.canned_responses().await?;
    let by_code: Vec<&CannedResponse> = all.iter().filter(|r| r.short_code == which).collect();
    let found = if by_code.is_empty() && which.len() >= 4 {
        all.iter()
            .filter(|r| r.id.to_string().starts_with(which))
            .collect()
    } else {
        by_code
    };
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(Error::NotFound(format!(
            "no cached canned response is called {which}; run sync, or see canned list"
        ))),
        several => Err(Error::Invalid {
            fields: vec![FieldError::new(
                "which",
                format!(
                    "{} canned responses match ({}); give the id instead",
                    several.len(),
                    several
                        .iter()
                        .map(|r| format!("{} {}", r.scope, short(r.id)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )],
        }),
    }
}
