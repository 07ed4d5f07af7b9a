//! The statements of [`sql`](crate::sql), prepared once per connection.

use tokio_postgres::Statement;

use crate::sql;

/// A connection's prepared statements.
#[derive(Clone)]
pub(crate) struct Statements {
    pub(crate) load: Statement,
    pub(crate) load_from: Statement,
    pub(crate) version: Statement,
    pub(crate) append: Statement,
    pub(crate) feed: Statement,
    pub(crate) set_tenant: Statement,
    pub(crate) rate_read: Statement,
    pub(crate) rate_insert: Statement,
    pub(crate) rate_update: Statement,
}

/// Every statement, in the order [`Statements::from`] takes them.
pub(crate) const ALL: [&str; 9] = [
    sql::LOAD,
    sql::LOAD_FROM,
    sql::VERSION,
    sql::APPEND,
    sql::FEED,
    sql::SET_TENANT,
    sql::RATE_READ,
    sql::RATE_INSERT,
    sql::RATE_UPDATE,
];

impl Statements {
    /// The statements prepared from [`ALL`], in its order.
    pub(crate) fn from(prepared: [Statement; 9]) -> Self {
        let [
            load,
            load_from,
            version,
            append,
            feed,
            set_tenant,
            rate_read,
            rate_insert,
            rate_update,
        ] = prepared;
        Statements {
            load,
            load_from,
            version,
            append,
            feed,
            set_tenant,
            rate_read,
            rate_insert,
            rate_update,
        }
    }

    /// Prepares them on a sync connection.
    pub(crate) fn prepare(client: &mut postgres::Client) -> Result<Self, postgres::Error> {
        let mut prepared = Vec::with_capacity(ALL.len());
        for text in ALL {
            prepared.push(client.prepare(text)?);
        }
        Ok(Statements::from(into_array(prepared)))
    }

    /// Prepares them on an async connection, in one round trip (pipelined).
    pub(crate) async fn prepare_async(
        client: &tokio_postgres::Client,
    ) -> Result<Self, tokio_postgres::Error> {
        let prepared =
            futures::future::try_join_all(ALL.iter().map(|text| client.prepare(text))).await?;
        Ok(Statements::from(into_array(prepared)))
    }
}

fn into_array(prepared: Vec<Statement>) -> [Statement; 9] {
    match prepared.try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("one statement prepared per text of ALL"),
    }
}
