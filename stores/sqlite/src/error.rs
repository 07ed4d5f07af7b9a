//! What can go wrong opening a store, and how it reads as a [`medsched::Error`].

use std::fmt;

use medsched::Problem;

/// Why a store could not be opened: a URL this crate does not take, a file SQLite cannot
/// open or set up, or a schema newer than this crate. Once open, the store reports its
/// failures as [`medsched::Error`]s, like every store; an `OpenError` converts into one
/// (a URL error is [`medsched::Error::InvalidInput`] of the field `url`, the others
/// [`medsched::Error::Storage`]).
///
/// # Example
///
/// ```
/// use medsched_sqlite::OpenError;
///
/// let err = medsched_sqlite::open("postgres://localhost/clinic").unwrap_err();
/// assert!(matches!(err, OpenError::NotSqlite { .. }));
/// assert_eq!(
///     err.to_string(),
///     "\"postgres://localhost/clinic\" is not a SQLite URL: use sqlite:///absolute/path, \
///      sqlite://relative/path or sqlite::memory:"
/// );
/// let err = medsched::Error::from(err);
/// assert_eq!(err.code(), "invalid_input");
/// assert_eq!(err.field(), Some("url"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenError {
    /// The URL's scheme is not `sqlite:`.
    NotSqlite {
        /// The URL given.
        url: String,
    },
    /// A `sqlite:` URL in none of the forms this crate opens (`sqlite:///absolute/path`,
    /// `sqlite://relative/path`, `sqlite::memory:`).
    MalformedUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A URL with a query (`?mode=ro`) or a fragment: the store sets its own options
    /// (see [`Options`](crate::Options)).
    UnsupportedOptions {
        /// The URL given.
        url: String,
    },
    /// SQLite could not open the file or set it up: no such directory, no permission, not
    /// a database, or locked by another writer for longer than the busy timeout.
    Sqlite {
        /// The database's path (`:memory:` for an in-memory one).
        path: String,
        /// SQLite's message.
        message: String,
    },
    /// The file was written by a newer version of this crate: its schema version is one this
    /// version does not know, so it is left untouched.
    SchemaTooNew {
        /// The database's path.
        path: String,
        /// The file's schema version (its `PRAGMA user_version`).
        found: i64,
        /// The newest schema version this crate knows.
        known: i64,
    },
}

impl OpenError {
    pub(crate) fn sqlite(path: &str, err: impl fmt::Display) -> Self {
        OpenError::Sqlite {
            path: path.to_owned(),
            message: err.to_string(),
        }
    }
}

const FORMS: &str = "use sqlite:///absolute/path, sqlite://relative/path or sqlite::memory:";

impl OpenError {
    /// For a URL error, what is wrong with the URL (without the URL itself).
    fn url_problem(&self) -> Option<String> {
        match self {
            OpenError::NotSqlite { .. } => Some(format!("not a SQLite URL: {FORMS}")),
            OpenError::MalformedUrl { reason, .. } => Some(format!("{reason}; {FORMS}")),
            OpenError::UnsupportedOptions { .. } => Some(
                "a query or fragment: options are not taken from the URL, set them with \
                 medsched_sqlite::Options"
                    .to_owned(),
            ),
            OpenError::Sqlite { .. } | OpenError::SchemaTooNew { .. } => None,
        }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotSqlite { url }
            | OpenError::MalformedUrl { url, .. }
            | OpenError::UnsupportedOptions { url } => {
                let problem = self.url_problem().unwrap_or_default();
                write!(f, "{url:?} is {problem}")
            }
            OpenError::Sqlite { path, message } => {
                write!(f, "cannot open SQLite database {path:?}: {message}")
            }
            OpenError::SchemaTooNew { path, found, known } => write!(
                f,
                "SQLite database {path:?} has schema version {found}, newer than the newest \
                 this version of medsched-sqlite knows ({known})"
            ),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<OpenError> for medsched::Error {
    fn from(err: OpenError) -> Self {
        match (&err, err.url_problem()) {
            (
                OpenError::NotSqlite { url }
                | OpenError::MalformedUrl { url, .. }
                | OpenError::UnsupportedOptions { url },
                Some(problem),
            ) => medsched::Error::InvalidInput {
                field: "url".to_owned(),
                value: url.clone(),
                problem: Problem::Malformed(problem),
            },
            _ => medsched::Error::from_host("sqlite", err),
        }
    }
}
