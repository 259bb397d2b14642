//! Reference solutions to the workbook's exercises, one module per lesson: chapter N is lesson N,
//! with the same signatures as the stubs in `exercises/src/`.

pub mod lesson01;
pub mod lesson02;
pub mod lesson03;
pub mod lesson04;
pub mod lesson05;
pub mod lesson06;
pub mod lesson07;
