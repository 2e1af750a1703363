//! A small SQL builder that numbers its placeholders `$1, $2, …`, which both PostgreSQL and
//! SQLite understand, so one query text serves both databases through sqlx's Any driver.

use std::fmt::Write;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Encode, Executor, Type};

use super::StoreError;

/// A query being built: its text and its bound arguments, in step.
#[derive(Default)]
pub struct Sql {
    text: String,
    args: AnyArguments<'static>,
    count: usize,
}

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The text only: arguments may be secrets (token hashes, password hashes).
        f.debug_struct("Sql")
            .field("text", &self.text)
            .field("args", &self.count)
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
        self.count += 1;
        let _ = write!(self.text, "${}", self.count);
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

    /// Runs it for its effect; returns the number of rows changed.
    pub async fn execute<'e, E>(self, executor: E) -> Result<u64, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        let done = sqlx::query_with(&self.text, self.args)
            .execute(executor)
            .await?;
        Ok(done.rows_affected())
    }

    /// Runs it and returns every row.
    pub async fn fetch_all<'e, E>(self, executor: E) -> Result<Vec<AnyRow>, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.args)
            .fetch_all(executor)
            .await?)
    }

    /// Runs it and returns the first row, if any.
    pub async fn fetch_optional<'e, E>(self, executor: E) -> Result<Option<AnyRow>, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.args)
            .fetch_optional(executor)
            .await?)
    }

    /// Runs it and returns the one row it must yield.
    pub async fn fetch_one<'e, E>(self, executor: E) -> Result<AnyRow, StoreError>
    where
        E: Executor<'e, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.args)
            .fetch_one(executor)
            .await?)
    }
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
        assert_eq!(sql.count, 3);
    }
}
