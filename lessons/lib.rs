//! The library behind the workbook's lesson binaries.
//!
//! Every lesson keeps its logic here, in plain functions that tests call
//! directly, and keeps its binary in `lessons/bin/` thin: read the command
//! line (with [`cli`]), call into this library, print (with [`output`]).

pub mod cli;
pub mod lesson01;
pub mod lesson02;
pub mod lesson03;
pub mod lesson04;
pub mod lesson05;
pub mod lesson06;
pub mod lesson07;
pub mod menu;
pub mod output;
