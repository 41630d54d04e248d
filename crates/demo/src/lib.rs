//! The demo district and the synthetic district, built through the store's commands as a
//! district's staff and its carried-over records would make them: the demo (广州市番禺区, whose
//! records reproduce every figure of the seed report of 2021) for `gongkai serve --demo` and the
//! tests, the synthetic district (a million records) for the benchmarks. With the `testkit`
//! feature, fresh test databases on either engine. None of this is in the store.

mod engagement;
mod organisation;
mod publishing;
mod records;
pub mod synthetic;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use organisation::DemoAccount;

use gongkai_store::{Result, Store};
use std::ops::Deref;

/// The store as the demo builds on it: every store command, and the demo's own steps.
pub(crate) struct Demo<'a>(&'a Store);

impl Deref for Demo<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.0
    }
}

/// Create the demo district with its records, replacing an earlier demo. Refuses a database
/// with other records.
pub async fn create(store: &Store) -> Result<Vec<DemoAccount>> {
    let demo = Demo(store);
    let accounts = demo.create_organisation().await?;
    demo.create_records().await?;
    demo.create_publishing().await?;
    demo.create_engagement().await?;
    Ok(accounts)
}

/// The demo's units and staff only (what tests that bring their own records start from).
pub async fn create_organisation(store: &Store) -> Result<Vec<DemoAccount>> {
    Demo(store).create_organisation().await
}
