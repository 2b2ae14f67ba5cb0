//! (filled in by its own change)

#[allow(unused_imports)]
use super::{Client, Stream};
