//! Migrations over data already there: 0004 numbers existing tickets per tenant in
//! creation order, and the counter it leaves continues from there, on both databases.

use std::path::Path;

use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use crate::on_both_databases;
use crate::support::Db;

/// A migrator of this store's migrations up to and including `version`.
async fn migrations_up_to(db: Db, version: i64, dir: &Path) -> Migrator {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(match db {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
        });
    for entry in std::fs::read_dir(&source).expect("the migrations") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let number: i64 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(i64::MAX);
        if number <= version {
            std::fs::copy(&path, dir.join(&name)).expect("copy a migration");
        }
    }
    Migrator::new(dir).await.expect("a migrator")
}

async fn exec(pool: &AnyPool, sql: &str) {
    sqlx::query(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

on_both_databases! {
    async fn existing_tickets_are_numbered_per_tenant_in_creation_order(db: Db) {
        sqlx::any::install_default_drivers();
        let database = testkit::Database::fresh(db).await;
        let pool = AnyPool::connect(database.url()).await.expect("the database");
        let before = tempfile::tempdir().expect("a temporary directory");
        migrations_up_to(db, 3, before.path()).await.run(&pool).await.expect("migrations 1-3");

        exec(&pool, "INSERT INTO tenants (id, slug, name, created_at) VALUES ('t-a', 'a', 'A', 0), ('t-b', 'b', 'B', 0)").await;
        exec(&pool, "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('u', 'u@x.test', 'U', 'x', 0)").await;
        // Created out of id order, and two at the same instant (then by id).
        let tickets = [("t-a", "c3", 300), ("t-a", "c1", 100), ("t-b", "c9", 50), ("t-a", "c2", 200), ("t-a", "c4", 300), ("t-b", "c8", 60)];
        for (tenant, channel, at) in tickets {
            exec(&pool, &format!(
                "INSERT INTO channels (id, tenant_id, type, status, created_by, created_at, updated_at, change_seq) \
                 VALUES ('{channel}', '{tenant}', 'SUPPORT', 'ACTIVE', 'u', {at}, {at}, 1)")).await;
            exec(&pool, &format!(
                "INSERT INTO tickets (id, channel_id, tenant_id, subject, category, priority, status, created_at, updated_at) \
                 VALUES ('k{channel}', '{channel}', '{tenant}', 's', 'OTHER', 'MEDIUM', 'OPEN', {at}, {at})")).await;
        }

        let all = tempfile::tempdir().expect("a temporary directory");
        migrations_up_to(db, i64::MAX, all.path()).await.run(&pool).await.expect("every migration");
        let numbers: Vec<(String, i64)> = sqlx::query("SELECT channel_id, number FROM tickets ORDER BY tenant_id, number")
            .fetch_all(&pool)
            .await
            .expect("the tickets")
            .iter()
            .map(|row| (row.try_get("channel_id").expect("id"), row.try_get("number").expect("number")))
            .collect();
        let expected: Vec<(String, i64)> = [("c1", 1), ("c2", 2), ("c3", 3), ("c4", 4), ("c9", 1), ("c8", 2)]
            .iter()
            .map(|(c, n)| ((*c).to_owned(), *n))
            .collect();
        assert_eq!(numbers, expected);
        let counters: Vec<(String, i64)> = sqlx::query("SELECT tenant_id, last_number FROM ticket_counters ORDER BY tenant_id")
            .fetch_all(&pool)
            .await
            .expect("the counters")
            .iter()
            .map(|row| (row.try_get("tenant_id").expect("tenant"), row.try_get("last_number").expect("number")))
            .collect();
        assert_eq!(counters, [("t-a".to_owned(), 4), ("t-b".to_owned(), 2)]);
        pool.close().await;
    }
}
