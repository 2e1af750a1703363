//! Canned responses in the composer: which ones a `/` query picks, and their variables
//! filled in from what the console already knows (so inserting works offline).
//!
//! Filling is one pass over the template and replaces only the six names of the contract:
//! anything else between `{{` and `}}` (`{{constructor}}`, `{{../x}}`, nested braces) stays
//! exactly as written, and is reported, so the composer highlights it and never sends it
//! without the agent having seen it. A filled-in value is never read as a template again.

use protocol::canned::{CannedResponse, CannedScope};
use protocol::Viewer;

/// The variables a canned response may hold (PLATFORM.md, "Agent workflow").
pub const VARIABLES: [&str; 6] = [
    "customer.name",
    "customer.email",
    "agent.name",
    "ticket.number",
    "ticket.subject",
    "tenant.name",
];

/// The longest `/` query the picker follows (longer text is a message, not a search).
const QUERY_MAX_CHARS: usize = 100;

/// What the console knows to fill variables with; `None` leaves the variable visible.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    /// `{{customer.name}}`.
    pub customer_name: Option<String>,
    /// `{{customer.email}}`.
    pub customer_email: Option<String>,
    /// `{{agent.name}}`: the signed-in agent.
    pub agent_name: Option<String>,
    /// `{{ticket.number}}`: digits only (the template writes `#{{ticket.number}}`).
    pub ticket_number: Option<i64>,
    /// `{{ticket.subject}}`.
    pub ticket_subject: Option<String>,
    /// `{{tenant.name}}`.
    pub tenant_name: Option<String>,
}

impl Variables {
    /// The value of variable `name` (exactly one of [`VARIABLES`]), if known.
    pub fn value(&self, name: &str) -> Option<String> {
        let known = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        match name {
            "customer.name" => known(&self.customer_name),
            "customer.email" => known(&self.customer_email),
            "agent.name" => known(&self.agent_name),
            "ticket.number" => self.ticket_number.filter(|n| *n > 0).map(|n| n.to_string()),
            "ticket.subject" => known(&self.ticket_subject),
            "tenant.name" => known(&self.tenant_name),
            _ => None,
        }
    }
}

/// A run of text as the composer's preview shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Plain text.
    Text(&'a str),
    /// A `{{…}}` left as written (unknown, hostile, or without a value here).
    Variable(&'a str),
}

/// Where the next `{{name}}` token of `text` starts at or after byte `from`, and where it
/// ends: a name holds no brace and no line break, so `{{{{x}}}}` holds the token `{{x}}`
/// with literal braces around it.
fn next_token(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find("{{")) {
        let start = at + found;
        let name_start = start + 2;
        let rest = text.get(name_start..).unwrap_or_default();
        match rest.find(['{', '}', '\n']) {
            Some(stop) if rest.get(stop..).is_some_and(|r| r.starts_with("}}")) => {
                return Some((start, name_start + stop + 2));
            }
            // Not a token here (a brace or line break inside): look again one brace on.
            _ => at = start + 1,
        }
    }
    None
}

/// Where each `{{…}}` token of `text` starts and ends, in order.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((start, end)) = next_token(text, at) {
        out.push((start, end));
        at = end;
    }
    out
}

/// `text` cut into plain runs and `{{…}}` tokens, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end) in tokens(text) {
        if start > at {
            out.push(Piece::Text(&text[at..start]));
        }
        out.push(Piece::Variable(&text[start..end]));
        at = end;
    }
    if at < text.len() {
        out.push(Piece::Text(&text[at..]));
    }
    out
}

/// The `{{…}}` tokens still in `text`, in order, each once: what the agent must see before
/// sending.
pub fn unfilled(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in pieces(text) {
        if let Piece::Variable(token) = piece {
            if !out.iter().any(|seen| seen == token) {
                out.push(token.to_owned());
            }
        }
    }
    out
}

/// A template with its variables filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The text to put in the composer.
    pub text: String,
    /// The tokens left as written (see [`unfilled`]).
    pub unfilled: Vec<String>,
}

/// Fills the known variables of `template` from `variables`, in one pass; everything else
/// stays as written. A token inside more braces (`{{{{customer.name}}}}`) is not filled:
/// nested braces are shown literally.
pub fn fill(template: &str, variables: &Variables) -> Filled {
    let mut text = String::with_capacity(template.len());
    let mut left: Vec<String> = Vec::new();
    let mut at = 0;
    for (start, end) in tokens(template) {
        text.push_str(&template[at..start]);
        at = end;
        let token = &template[start..end];
        let nested = template[..start].ends_with('{') || template[end..].starts_with('}');
        let name = token[2..token.len() - 2].trim();
        let value = (!nested && VARIABLES.contains(&name))
            .then(|| variables.value(name))
            .flatten();
        match value {
            Some(value) => text.push_str(&value),
            None => {
                text.push_str(token);
                if !left.iter().any(|seen| seen == token) {
                    left.push(token.to_owned());
                }
            }
        }
    }
    text.push_str(&template[at..]);
    Filled {
        text,
        unfilled: left,
    }
}

/// The scopes `viewer` may create canned responses in, the default first: the tenant's
/// for its admins, everyone's own for every agent, none for anyone else.
pub fn scopes_offered(viewer: &Viewer) -> Vec<CannedScope> {
    [CannedScope::Personal, CannedScope::Tenant]
        .into_iter()
        .filter(|scope| scope.managed_by(viewer.role))
        .collect()
}

/// Whether `viewer` may edit or delete `response`: the tenant's for its admins, one's own.
pub fn may_change(viewer: &Viewer, response: &CannedResponse) -> bool {
    response.scope.managed_by(viewer.role)
        && (response.scope == CannedScope::Tenant || response.owner_id == Some(viewer.user))
}

/// The picker's query when the composer's text is a `/` command: `/` at the very start,
/// one line, not too long. `None`: no picker.
pub fn slash_query(text: &str) -> Option<&str> {
    let query = text.strip_prefix('/')?;
    (!query.contains('\n') && query.chars().count() <= QUERY_MAX_CHARS).then_some(query)
}

/// The canned responses matching `query` on short code or title (case-insensitively), the
/// best first: the short code itself, then short codes and titles starting with it, then
/// containing it; ties by short code.
pub fn matching<'a>(all: &'a [CannedResponse], query: &str) -> Vec<&'a CannedResponse> {
    let query = query.trim().to_lowercase();
    let mut ranked: Vec<(u8, &CannedResponse)> = all
        .iter()
        .filter_map(|response| {
            let code = response.short_code.to_lowercase();
            let title = response.title.to_lowercase();
            let rank = if code == query {
                0
            } else if code.starts_with(&query) {
                1
            } else if title.starts_with(&query) {
                2
            } else if code.contains(&query) {
                3
            } else if title.contains(&query) {
                4
            } else {
                return None;
            };
            Some((rank, response))
        })
        .collect();
    ranked.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.short_code.cmp(&y.short_code)));
    ranked.into_iter().map(|(_, response)| response).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::{CannedResponseId, Role, TenantId, UserId};
    use uuid::Uuid;

    use super::*;

    fn known() -> Variables {
        Variables {
            customer_name: Some("Bob Baker".into()),
            customer_email: Some("bob@acme.test".into()),
            agent_name: Some("Ada Admin".into()),
            ticket_number: Some(1042),
            ticket_subject: Some("Charged twice".into()),
            tenant_name: Some("Acme Quiz League".into()),
        }
    }

    fn response(code: &str, title: &str) -> CannedResponse {
        CannedResponse {
            id: CannedResponseId::from(Uuid::new_v4()),
            tenant_id: TenantId::from(Uuid::nil()),
            scope: CannedScope::Tenant,
            owner_id: None,
            short_code: code.into(),
            title: title.into(),
            content: "x".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn every_variable_of_the_contract_is_filled() {
        let filled = fill(
            "Hi {{customer.name}} <{{customer.email}}>, {{agent.name}} here about \
             #{{ticket.number}} \"{{ticket.subject}}\" at {{tenant.name}}.",
            &known(),
        );
        assert_eq!(
            filled.text,
            "Hi Bob Baker <bob@acme.test>, Ada Admin here about #1042 \"Charged twice\" at \
             Acme Quiz League."
        );
        assert!(filled.unfilled.is_empty());
    }

    #[test]
    fn spaces_inside_the_braces_are_allowed() {
        assert_eq!(fill("{{ agent.name }}!", &known()).text, "Ada Admin!");
    }

    #[test]
    fn an_unknown_variable_stays_as_written_and_is_reported_once() {
        let filled = fill(
            "Order {{order.id}} and {{order.id}}, {{agent.name}}",
            &known(),
        );
        assert_eq!(
            filled.text,
            "Order {{order.id}} and {{order.id}}, Ada Admin"
        );
        assert_eq!(filled.unfilled, ["{{order.id}}"]);
    }

    #[test]
    fn a_known_variable_without_a_value_here_stays_visible() {
        let mut variables = known();
        variables.tenant_name = None;
        variables.ticket_number = None;
        variables.customer_name = Some("  ".into());
        let filled = fill(
            "{{tenant.name}} #{{ticket.number}} {{customer.name}}",
            &variables,
        );
        assert_eq!(
            filled.text,
            "{{tenant.name}} #{{ticket.number}} {{customer.name}}"
        );
        assert_eq!(
            filled.unfilled,
            ["{{tenant.name}}", "{{ticket.number}}", "{{customer.name}}"]
        );
    }

    #[test]
    fn hostile_variables_are_shown_literally() {
        for hostile in [
            "{{constructor}}",
            "{{__proto__}}",
            "{{../x}}",
            "{{this.constructor.constructor('alert(1)')()}}",
            "{{customer}}",
            "{{customer.name.length}}",
            "{{#each customer}}",
            "{{> partial}}",
        ] {
            let filled = fill(hostile, &known());
            assert_eq!(filled.text, hostile);
            assert_eq!(filled.unfilled, [hostile], "{hostile}");
        }
    }

    #[test]
    fn nested_braces_are_literal_and_the_inner_token_is_flagged() {
        let filled = fill("{{{{customer.name}}}} {{{agent.name}}}", &known());
        assert_eq!(filled.text, "{{{{customer.name}}}} {{{agent.name}}}");
        assert_eq!(filled.unfilled, ["{{customer.name}}", "{{agent.name}}"]);
        let filled = fill("{{{{x}}}} and {{a{{b}}c}}", &known());
        assert_eq!(filled.text, "{{{{x}}}} and {{a{{b}}c}}");
        assert_eq!(filled.unfilled, ["{{x}}", "{{b}}"]);
        // Unbalanced braces are text.
        let filled = fill("{{ {{ }} }} {{agent.name", &known());
        assert_eq!(filled.text, "{{ {{ }} }} {{agent.name");
        assert_eq!(filled.unfilled, ["{{ }}"]);
    }

    #[test]
    fn a_value_that_looks_like_a_variable_is_not_filled_again() {
        let mut variables = known();
        variables.customer_name = Some("{{agent.name}}".into());
        let filled = fill("Hi {{customer.name}}", &variables);
        assert_eq!(filled.text, "Hi {{agent.name}}");
        assert!(filled.unfilled.is_empty());
    }

    #[test]
    fn text_without_variables_is_unchanged_even_with_unicode() {
        let text = "Grüße — {single} }} {{ café\n{{agent.name}}";
        let filled = fill(text, &known());
        assert_eq!(filled.text, "Grüße — {single} }} {{ café\nAda Admin");
        assert_eq!(unfilled("{{ café\n}}"), Vec::<String>::new());
    }

    #[test]
    fn pieces_split_text_and_tokens_in_order() {
        assert_eq!(
            pieces("a {{x}} b{{y}}"),
            [
                Piece::Text("a "),
                Piece::Variable("{{x}}"),
                Piece::Text(" b"),
                Piece::Variable("{{y}}"),
            ]
        );
        assert!(pieces("").is_empty());
    }

    #[test]
    fn a_slash_at_the_start_opens_the_picker_on_one_line() {
        assert_eq!(slash_query("/"), Some(""));
        assert_eq!(slash_query("/ref"), Some("ref"));
        assert_eq!(slash_query("/refund pol"), Some("refund pol"));
        assert_eq!(slash_query(" /ref"), None);
        assert_eq!(slash_query("see /ref"), None);
        assert_eq!(slash_query("/ref\nmore"), None);
        assert_eq!(slash_query(&format!("/{}", "x".repeat(101))), None);
    }

    #[test]
    fn the_picker_matches_code_and_title_best_first() {
        let all = [
            response("thanks", "Thank you"),
            response("refund", "Refund policy"),
            response("late-fee", "About refunds for late entries"),
            response("ref", "Referee rules"),
            response("x-refund", "Other"),
        ];
        let codes = |query| {
            matching(&all, query)
                .iter()
                .map(|r| r.short_code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes("ref"),
            ["ref", "refund", "x-refund", "late-fee"],
            "exact, code prefix, code contains, title contains"
        );
        assert_eq!(codes("THANK"), ["thanks"]);
        assert_eq!(codes("refund pol"), ["refund"]);
        assert_eq!(
            codes(""),
            ["late-fee", "ref", "refund", "thanks", "x-refund"]
        );
        assert!(codes("nothing like it").is_empty());
    }

    #[test]
    fn admins_manage_the_tenants_and_every_agent_its_own() {
        let viewer = |role| Viewer {
            user: UserId::from(Uuid::new_v4()),
            tenant: Some(TenantId::from(Uuid::nil())),
            role,
        };
        let team = response("team", "Team");
        for role in Role::ALL {
            let me = viewer(*role);
            let mut mine = response("mine", "Mine");
            mine.scope = CannedScope::Personal;
            mine.owner_id = Some(me.user);
            let mut theirs = mine.clone();
            theirs.owner_id = Some(UserId::from(Uuid::new_v4()));
            let admin = matches!(role, Role::OrgAdmin | Role::SuperAdmin);
            assert_eq!(may_change(&me, &team), admin, "{role}");
            assert_eq!(may_change(&me, &mine), role.is_agent(), "{role}");
            assert!(!may_change(&me, &theirs), "{role}");
            let offered = scopes_offered(&me);
            assert_eq!(offered.contains(&CannedScope::Tenant), admin, "{role}");
            assert_eq!(
                offered.contains(&CannedScope::Personal),
                role.is_agent(),
                "{role}"
            );
        }
    }
}
