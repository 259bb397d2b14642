//! Lesson 07: many clients, few threads.
//!
//! - `load`: a load generator, thousands of clients on one thread.

pub mod load;
