//! How a store connects: the server, the pool's size and the tenant-scoping mode.

use medsched::Result;

use crate::sql::{Told, failed};

/// How a store connects: the server (a URL or key-value connection string, or a
/// [`tokio_postgres::Config`]), at most how many connections it opens, and whether it runs
/// each call in a transaction scoped to the call's tenant for row-level security.
///
/// # Example
///
/// ```
/// use medsched_postgres::PgOptions;
///
/// let options = PgOptions::new("postgresql://app@localhost/medsched")?
///     .max_connections(32)
///     .row_level_security(true);
/// assert_eq!(options.get_max_connections(), 32);
/// assert!(options.get_row_level_security());
/// assert_eq!(options.config().get_dbname(), Some("medsched"));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PgOptions {
    pub(crate) config: tokio_postgres::Config,
    pub(crate) max_connections: usize,
    pub(crate) row_level_security: bool,
}

impl PgOptions {
    /// Options for the server at `url`: a `postgresql://` URL or a key-value string
    /// (`host=/run/postgresql dbname=medsched`), as libpq takes them. 10 connections at most,
    /// row-level security off.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](medsched::Error::Storage) when `url` does not parse.
    ///
    /// # Example
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("host=/tmp dbname=medsched user=app")?;
    /// assert_eq!(options.config().get_user(), Some("app"));
    /// assert!(medsched_postgres::PgOptions::new("postgresql://[").is_err());
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn new(url: &str) -> Result<Self> {
        let config = url
            .parse::<tokio_postgres::Config>()
            .map_err(|e| failed("parsing the connection string", Told(&e)))?;
        Ok(PgOptions::from_config(config))
    }

    /// Options for a parsed configuration (to set what a URL cannot, or to change one, such
    /// as its user).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched_postgres::{PgOptions, tokio_postgres::Config};
    ///
    /// let mut config: Config = "postgresql://owner@localhost/medsched".parse().unwrap();
    /// config.user("clinic_app");
    /// let options = PgOptions::from_config(config);
    /// assert_eq!(options.config().get_user(), Some("clinic_app"));
    /// ```
    pub fn from_config(config: tokio_postgres::Config) -> Self {
        PgOptions {
            config,
            max_connections: 10,
            row_level_security: false,
        }
    }

    /// At most `n` connections open at once (at least 1); calls beyond wait for one.
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("dbname=medsched")?.max_connections(0);
    /// assert_eq!(options.get_max_connections(), 1);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Row-level security mode: every call runs in a transaction that first names its
    /// tenant (`SET LOCAL app.tenant`), so the policies of the schema let it see and write
    /// only that tenant's rows. They bind only a role that neither owns the tables nor is a
    /// superuser; connect as one (see the crate docs). Off by default: every statement is
    /// keyed by tenant either way.
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("dbname=medsched")?.row_level_security(true);
    /// assert!(options.get_row_level_security());
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn row_level_security(mut self, on: bool) -> Self {
        self.row_level_security = on;
        self
    }

    /// The connection configuration.
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("postgresql://localhost:5433/medsched")?;
    /// assert_eq!(options.config().get_ports(), [5433]);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    /// At most how many connections the store opens.
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("dbname=medsched")?;
    /// assert_eq!(options.get_max_connections(), 10);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn get_max_connections(&self) -> usize {
        self.max_connections
    }

    /// Whether the store runs in row-level security mode.
    ///
    /// ```
    /// let options = medsched_postgres::PgOptions::new("dbname=medsched")?;
    /// assert!(!options.get_row_level_security());
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn get_row_level_security(&self) -> bool {
        self.row_level_security
    }
}
