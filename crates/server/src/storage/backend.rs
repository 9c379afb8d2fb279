//! The two databases the storage runs on, and how one query text serves both.
//!
//! Queries are written once, with `$1`-style parameters (which SQLite also
//! reads), and run through [`each!`], which compiles the same code once per
//! backend. The few places where the SQL itself differs are methods here.

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Something held once per backend: a pool, a transaction.
#[derive(Clone, Debug)]
pub(super) enum Backend<S, P> {
    /// The embedded SQLite file.
    Sqlite(S),
    /// A PostgreSQL server.
    Postgres(P),
}

/// The connection pool.
pub(super) type Pool = Backend<SqlitePool, PgPool>;

/// A write transaction.
pub(super) type Tx = Backend<Transaction<'static, Sqlite>, Transaction<'static, Postgres>>;

/// Evaluates `$body` with `$c` bound to what `$on` holds for its backend;
/// the body is compiled once for each, so one query text serves both.
macro_rules! each {
    ($on:expr, $c:ident => $body:expr) => {
        match $on {
            $crate::storage::backend::Backend::Sqlite($c) => $body,
            $crate::storage::backend::Backend::Postgres($c) => $body,
        }
    };
}
pub(super) use each;

impl<S, P> Backend<S, P> {
    /// The cells of an upload, bound as one JSON text `$1`
    /// (`[[period, item, outcome, agency, count], ...]`), as a table with
    /// those columns.
    pub(super) fn cells_table(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => {
                "(SELECT json_extract(value, '$[0]') AS period, json_extract(value, '$[1]') AS item,
                         json_extract(value, '$[2]') AS outcome, json_extract(value, '$[3]') AS agency,
                         json_extract(value, '$[4]') AS count
                  FROM json_each($1))"
            }
            Backend::Postgres(_) => {
                "(SELECT value->>0 AS period, value->>1 AS item, value->>2 AS outcome,
                         value->>3 AS agency, (value->>4)::bigint AS count
                  FROM jsonb_array_elements($1::jsonb))"
            }
        }
    }

    /// Voided numbers bound as one JSON text `$1` (`[[year, sequence],
    /// ...]`), as a table with those columns.
    pub(super) fn voided_table(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => {
                "(SELECT json_extract(value, '$[0]') AS year, json_extract(value, '$[1]') AS sequence
                  FROM json_each($1))"
            }
            Backend::Postgres(_) => {
                "(SELECT (value->>0)::bigint AS year, (value->>1)::bigint AS sequence
                  FROM jsonb_array_elements($1::jsonb))"
            }
        }
    }

    /// The texts of `expr` over a group, joined with `,`.
    pub(super) fn joined(&self, expr: &str) -> String {
        match self {
            Backend::Sqlite(_) => format!("group_concat({expr}, ',')"),
            Backend::Postgres(_) => format!("string_agg({expr}, ',')"),
        }
    }

    /// The strings of a JSON array bound as `param`, as a list for `IN`.
    pub(super) fn text_list(&self, param: &str) -> String {
        match self {
            Backend::Sqlite(_) => format!("(SELECT value FROM json_each({param}))"),
            Backend::Postgres(_) => {
                format!("(SELECT jsonb_array_elements_text({param}::jsonb))")
            }
        }
    }
}
