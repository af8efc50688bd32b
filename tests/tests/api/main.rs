//! End-to-end tests of the counter-server over real HTTP on a loopback port, with a real SQLite file.
//! One binary with modules, so the suite links once.

mod applicant_confirmation;
mod bad_input;
mod board;
mod cli;
mod closed_tickets;
mod committee;
mod concurrency;
mod connections;
mod crash;
mod erasure;
mod event_replay;
mod flows;
mod hours;
mod idempotency;
mod kiosk_needs;
mod lines;
mod metrics;
mod model;
mod pairing;
mod priority_raise;
mod protection;
mod ratings;
mod reception;
mod reference;
mod rollover;
mod route_matrix;
mod schema_conformance;
mod storage_errors;
mod strict_http;
mod throttling;
mod tls;
mod visit_case;
mod web;
