//! The platform server inside the test's own runtime: `server::launch` on a free port of
//! 127.0.0.1 over a [`Database`], its store opened (migrated, seeded) before it serves;
//! stoppable and restartable on the same port and database; stopped when dropped.

use std::net::SocketAddr;

use server::protocol::Secret;
use server::Settings;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::database::Database;

/// The JWT secret of the in-process servers (a spawned node of the same platform needs it).
pub const SECRET: &str = "a test secret that is long enough";

/// Settings for a test platform over `database_url`: a fixed secret, the demo data on,
/// every other value at the server's default.
pub fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::new(database_url, Secret::new(SECRET));
    settings.demo = true;
    settings
}

/// A platform server serving in this runtime.
#[derive(Debug)]
pub struct InProcessServer {
    settings: Settings,
    address: SocketAddr,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    database: Database,
}

impl InProcessServer {
    /// Serves over `database` with [`test_settings`] (so with the demo data) as `adjust`
    /// leaves them, on a free port.
    pub async fn start(database: Database, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = test_settings(database.url());
        adjust(&mut settings);
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("the listener's address");
        settings.bind = address;
        let mut server = Self {
            settings,
            address,
            running: None,
            database,
        };
        server.serve(listener).await;
        server
    }

    /// Its base URL (`http://127.0.0.1:PORT`).
    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Its address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    async fn serve(&mut self, listener: TcpListener) {
        let settings = self.settings.clone();
        // Open (migrate, seed) before serving, so a test never races the seeding.
        server::open_store(&settings)
            .await
            .expect("open the platform's store")
            .close()
            .await;
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            server::launch(settings, listener, shutdown)
                .await
                .expect("the platform server runs");
        });
        self.running = Some((tx, task));
    }

    /// Stops serving and waits until it has; the port refuses connections until
    /// [`InProcessServer::restart`].
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = task.await;
        }
    }

    /// Serves again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.address)
            .await
            .expect("the same port again");
        self.serve(listener).await;
    }
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            task.abort();
        }
    }
}
