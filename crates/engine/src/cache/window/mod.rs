//! The queue as a window: the view's filters, text and order applied by SQLite over the
//! columns `channels::upsert` derives (each order served by an index), and only the rows
//! asked for read and sent, slim, with how many match and how many are cached. The rules
//! are `protocol::queue`'s: a window equals them applied to every cached channel, sliced.

use protocol::queue::{
    filter_words, ticket_number, Assignment, QueuePage, QueuePageRequest, QueueRow, QueueView,
    Sort, Tab, QUEUE_PAGE_MAX,
};
use protocol::{Channel, ChannelType, UserId};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::from_json;
use crate::error::Result;

/// The window `request` asks for, for user `me`.
pub fn page(
    conn: &Connection,
    request: &QueuePageRequest,
    me: Option<UserId>,
) -> Result<QueuePage> {
    let (conditions, values) = conditions(&request.view, me);
    let limit = request.limit.min(QUEUE_PAGE_MAX);
    let sql = format!(
        "SELECT json FROM channels WHERE {conditions} ORDER BY {} LIMIT {limit} OFFSET {}",
        order(request.view.sort),
        request.offset
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let jsons = statement
        .query_map(params_from_iter(values.iter()), |row| {
            row.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = jsons
        .iter()
        .map(|json| from_json::<Channel>(json).map(|channel| QueueRow::of(&channel)))
        .collect::<Result<Vec<_>>>()?;
    let matching: u32 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM channels WHERE {conditions}"))?
        .query_row(params_from_iter(values.iter()), |row| row.get(0))?;
    let cached: u32 = conn
        .prepare_cached("SELECT COUNT(*) FROM channels")?
        .query_row([], |row| row.get(0))?;
    Ok(QueuePage {
        offset: request.offset,
        rows,
        matching,
        cached,
    })
}

/// The `WHERE` clause of `view` for `me`, and the values it binds in order.
fn conditions(view: &QueueView, me: Option<UserId>) -> (String, Vec<Value>) {
    let mut clauses: Vec<&str> = vec!["1 = 1"];
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |clauses: &mut Vec<&str>, clause: &'static str, value: Value| {
        clauses.push(clause);
        values.push(value);
    };
    match view.tab {
        Tab::All => {}
        Tab::Support => bind(
            &mut clauses,
            "type = ?",
            text(ChannelType::Support.as_str()),
        ),
        Tab::Team => bind(&mut clauses, "type = ?", text(ChannelType::Team.as_str())),
    }
    if let Some(status) = view.status {
        bind(&mut clauses, "status = ?", text(status.as_str()));
    }
    if let Some(priority) = view.priority {
        bind(&mut clauses, "priority = ?", text(priority.as_str()));
    }
    if let Some(category) = view.category {
        bind(&mut clauses, "category = ?", text(category.as_str()));
    }
    match (view.assignment, me) {
        (Assignment::Anyone, _) => {}
        (Assignment::Me, Some(me)) => bind(&mut clauses, "assigned_to = ?", text(&me.to_string())),
        (Assignment::Me, None) => clauses.push("1 = 0"),
        (Assignment::Unassigned, _) => clauses.push("assigned_to IS NULL"),
    }
    for word in filter_words(&view.text) {
        match ticket_number(&word) {
            Some(number) => bind(&mut clauses, "number = ?", Value::Integer(number)),
            None => bind(&mut clauses, "instr(haystack, ?) > 0", Value::Text(word)),
        }
    }
    (clauses.join(" AND "), values)
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// The `ORDER BY` of `sort`, as `protocol::queue::QueueView::apply` orders.
fn order(sort: Sort) -> &'static str {
    match sort {
        Sort::Activity => "activity DESC, id",
        Sort::Priority => "rank, activity DESC, id",
        Sort::Age => "created, id",
        Sort::Due => "due IS NULL, due, activity DESC, id",
    }
}

#[cfg(test)]
mod tests;
