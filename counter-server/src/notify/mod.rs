//! "Your turn is near" (issue 16 item 2): the notices to a waiting visitor who asked for them,
//! by Web Push to their phone's browser (`push`) or by SMS (`sms`), with the words of `message`.
//!
//! `worker` decides when (from the live queue and `store::notify`'s requests), marks a notice
//! sent before sending it, and erases a visit's requests when it ends.
//! Both send through `webhooks::client::Client` (one HTTPS client, rustls with ring; `[push]
//! ca_file` for a test's push service) and log neither the push endpoint (a capability URL: only
//! its host), the number nor the text.

pub mod message;
pub mod push;
pub mod sms;
pub mod worker;
