//! `sqlite:` URLs: which database one names.

use std::path::PathBuf;

use crate::OpenError;

/// The database a URL or a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A file, created if missing.
    File(PathBuf),
    /// A database in memory, private to the store.
    Memory,
}

/// Reads `sqlite:///absolute/path`, `sqlite://relative/path` (from the current directory)
/// or `sqlite::memory:`. Percent escapes in the path are decoded (`%20` is a space).
pub(crate) fn parse(url: &str) -> Result<Target, OpenError> {
    let malformed = |reason| OpenError::MalformedUrl {
        url: url.to_owned(),
        reason,
    };
    if url == "sqlite::memory:" {
        return Ok(Target::Memory);
    }
    let Some(scheme) = url.get(..7).filter(|s| s.eq_ignore_ascii_case("sqlite:")) else {
        return Err(OpenError::NotSqlite {
            url: url.to_owned(),
        });
    };
    let Some(path) = url[scheme.len()..].strip_prefix("//") else {
        return Err(malformed("no // after sqlite:"));
    };
    if path.contains(['?', '#']) {
        return Err(OpenError::UnsupportedOptions {
            url: url.to_owned(),
        });
    }
    let path = decode(path).ok_or_else(|| malformed("a % not followed by two hex digits"))?;
    match path.as_str() {
        "" | "/" => Err(malformed("no path")),
        ":memory:" => Err(malformed("an in-memory database is sqlite::memory:")),
        _ => Ok(Target::File(PathBuf::from(path))),
    }
}

/// `path` with its percent escapes decoded; `None` for a malformed escape or one that
/// does not decode to UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Result<Target, OpenError> {
        Ok(Target::File(PathBuf::from(path)))
    }

    #[test]
    fn the_three_forms() {
        assert_eq!(
            parse("sqlite:///var/lib/clinic.db"),
            file("/var/lib/clinic.db")
        );
        assert_eq!(parse("sqlite://data/clinic.db"), file("data/clinic.db"));
        assert_eq!(parse("sqlite://clinic.db"), file("clinic.db"));
        assert_eq!(parse("sqlite::memory:"), Ok(Target::Memory));
        assert_eq!(parse("SQLite:///x.db"), file("/x.db"));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(
            parse("sqlite:///tmp/my%20clinic.db"),
            file("/tmp/my clinic.db")
        );
        assert_eq!(parse("sqlite://caf%C3%A9.db"), file("café.db"));
    }

    #[test]
    fn anything_else_is_a_typed_error() {
        let not_sqlite = ["postgres://h/db", "", "sqlite", "file:///x.db", "sqlit://x"];
        for url in not_sqlite {
            assert!(
                matches!(parse(url), Err(OpenError::NotSqlite { .. })),
                "{url}: {:?}",
                parse(url)
            );
        }
        let malformed = [
            "sqlite:clinic.db",
            "sqlite:/clinic.db",
            "sqlite://",
            "sqlite:///",
            "sqlite://:memory:",
            "sqlite:memory:",
            "sqlite:///tmp/%zz.db",
            "sqlite:///tmp/%4",
            "sqlite:///tmp/%ff.db",
        ];
        for url in malformed {
            assert!(
                matches!(parse(url), Err(OpenError::MalformedUrl { .. })),
                "{url}: {:?}",
                parse(url)
            );
        }
        for url in ["sqlite:///x.db?mode=ro", "sqlite://x.db#frag"] {
            assert_eq!(
                parse(url),
                Err(OpenError::UnsupportedOptions { url: url.into() })
            );
        }
    }
}
