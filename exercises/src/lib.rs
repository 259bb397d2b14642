//! The workbook's exercises: one module per lesson: chapter N is lesson N.
//!
//! Each function below is a stub that panics with `todo!`, saying which
//! exercise it is and what it asks. Replace the `todo!` with your code and
//! run `cargo test -p exercises` until everything is green.

// Stubs do not use their parameters yet; that is expected, not a mistake.
#![allow(unused_variables)]

pub mod lesson01;
pub mod lesson02;
pub mod lesson03;
pub mod lesson04;
pub mod lesson05;
pub mod lesson06;
pub mod lesson07;
