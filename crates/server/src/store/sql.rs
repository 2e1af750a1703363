//! A small SQL builder: one query text serves both databases through sqlx's Any driver.
//! It numbers its placeholders `$1, $2, …` for PostgreSQL and turns them into SQLite's
//! anonymous `?` when the query runs there: sqlx binds a numbered parameter by asking SQLite
//! its name, which SQLite finds by a linear scan, so a batch's insert of a few thousand
//! parameters spent most of its binding time in that scan.

use std::fmt::Write;
use std::ops::Range;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Arguments, Encode, Executor, Type};

use super::StoreError;

/// How a database wants its placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholders {
    /// `$1, $2, …` (PostgreSQL).
    Numbered,
    /// `?` in order (SQLite).
    Anonymous,
}

impl Placeholders {
    fn of_backend(name: &str) -> Self {
        if name.eq_ignore_ascii_case("sqlite") {
            Self::Anonymous
        } else {
            Self::Numbered
        }
    }
}

/// What a query runs on: an executor that knows which database it talks to.
pub trait Target<'e>: Executor<'e, Database = Any> {
    /// The placeholders its database wants.
    fn placeholders(&self) -> Placeholders;
}

impl<'e> Target<'e> for &'e AnyPool {
    fn placeholders(&self) -> Placeholders {
        Placeholders::of_backend(self.connect_options().database_url.scheme())
    }
}

impl<'e> Target<'e> for &'e mut AnyConnection {
    fn placeholders(&self) -> Placeholders {
        Placeholders::of_backend(self.backend_name())
    }
}

/// A query being built: its text and its bound arguments, in step.
#[derive(Default)]
pub struct Sql {
    text: String,
    args: AnyArguments<'static>,
    /// Where each placeholder sits in `text` (one per bound argument).
    marks: Vec<Range<usize>>,
}

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The text only: arguments may be secrets (token hashes, password hashes).
        f.debug_struct("Sql")
            .field("text", &self.text)
            .field("args", &self.marks.len())
            .finish()
    }
}

impl Sql {
    /// A query starting with `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ..Self::default()
        }
    }

    /// Appends raw SQL.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: for<'q> Encode<'q, Any> + Type<Any> + Send + 'static,
    {
        let start = self.text.len();
        let _ = write!(self.text, "${}", self.marks.len() + 1);
        self.marks.push(start..self.text.len());
        // Encoding into Any only fails for types Any does not know, which do not compile.
        let _ = self.args.add(value);
        self
    }

    /// Appends `(v1, v2, …)` with each value bound; `(NULL)`, which matches nothing, when
    /// there are none.
    pub fn bind_list<T, I>(&mut self, values: I) -> &mut Self
    where
        T: for<'q> Encode<'q, Any> + Type<Any> + Send + 'static,
        I: IntoIterator<Item = T>,
    {
        self.push("(");
        let mut empty = true;
        for value in values {
            if !empty {
                self.push(", ");
            }
            self.bind(value);
            empty = false;
        }
        if empty {
            self.push("NULL");
        }
        self.push(")")
    }

    /// The text as `placeholders` want it, and the arguments.
    fn split(self, placeholders: Placeholders) -> (String, AnyArguments<'static>) {
        let text = if placeholders == Placeholders::Numbered || self.marks.is_empty() {
            self.text
        } else {
            anonymous(&self.text, &self.marks)
        };
        (text, self.args)
    }

    /// Runs it for its effect; returns the number of rows changed.
    pub async fn execute<'e, E>(self, executor: E) -> Result<u64, StoreError>
    where
        E: Target<'e>,
    {
        let (text, args) = self.split(executor.placeholders());
        let done = sqlx::query_with(&text, args).execute(executor).await?;
        Ok(done.rows_affected())
    }

    /// Runs it and returns every row.
    pub async fn fetch_all<'e, E>(self, executor: E) -> Result<Vec<AnyRow>, StoreError>
    where
        E: Target<'e>,
    {
        let (text, args) = self.split(executor.placeholders());
        Ok(sqlx::query_with(&text, args).fetch_all(executor).await?)
    }

    /// Runs it and returns the first row, if any.
    pub async fn fetch_optional<'e, E>(self, executor: E) -> Result<Option<AnyRow>, StoreError>
    where
        E: Target<'e>,
    {
        let (text, args) = self.split(executor.placeholders());
        Ok(sqlx::query_with(&text, args)
            .fetch_optional(executor)
            .await?)
    }

    /// Runs it and returns the one row it must yield.
    pub async fn fetch_one<'e, E>(self, executor: E) -> Result<AnyRow, StoreError>
    where
        E: Target<'e>,
    {
        let (text, args) = self.split(executor.placeholders());
        Ok(sqlx::query_with(&text, args).fetch_one(executor).await?)
    }
}

/// `text` with each placeholder at `marks` made SQLite's anonymous `?`.
fn anonymous(text: &str, marks: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for mark in marks {
        out.push_str(&text[from..mark.start]);
        out.push('?');
        from = mark.end;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = ");
        sql.bind(1_i64)
            .push(" AND b IN ")
            .bind_list(["x".to_owned(), "y".to_owned()]);
        assert_eq!(sql.text, "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(sql.marks.len(), 3);
    }

    #[test]
    fn sqlite_gets_anonymous_placeholders_and_literals_stay() {
        let mut sql = Sql::new("SELECT json_extract(m, '$.a') FROM t WHERE a = ");
        sql.bind(1_i64)
            .push(" AND b IN ")
            .bind_list(["x".to_owned(), "y".to_owned()])
            .push(" AND c = '$4'");
        let numbered = sql.text.clone();
        assert_eq!(
            anonymous(&sql.text, &sql.marks),
            "SELECT json_extract(m, '$.a') FROM t WHERE a = ? AND b IN (?, ?) AND c = '$4'"
        );
        assert_eq!(sql.split(Placeholders::Numbered).0, numbered);
    }
}
