//! counter-server: owns the queue of one Awn branch.
pub mod domain;
