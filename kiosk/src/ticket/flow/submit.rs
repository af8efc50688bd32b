//! The ticket request: built from the draft, sent with one idempotency key per request, and the
//! worker's answers (issued, failed, refused; the services and the notice).

use super::{Draft, Effect, Flow, PrintState, Screen};
use crate::api::{IntakeRequest, Needs, Priority, TicketRequest};
use crate::http::ClientError;
use crate::shell::ShellFlow;
use crate::text::INTERPRETER;
use crate::ticket::client::ClientEvent;
use std::time::Instant;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submission {
    None,
    /// Sent; `failed` once an attempt failed (the worker keeps retrying with the same key).
    Pending {
        since: Instant,
        failed: bool,
    },
    /// The server refused the request (4xx): its message is shown, nothing is retried.
    Refused(ClientError),
}

impl Flow {
    /// The idempotency key of the current flow, if a request was made.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.key.as_ref().map(|(k, _)| k.as_str())
    }

    pub(super) fn pending(&self) -> bool {
        matches!(self.submission, Submission::Pending { .. })
    }

    /// The fault message is shown: refused, failed, or no answer within `fault_after`; or a
    /// check-in that failed.
    pub fn fault_visible(&self, now: Instant) -> bool {
        self.check_in.failed()
            || match &self.submission {
                Submission::None => false,
                Submission::Refused(_) => true,
                Submission::Pending { since, failed } => {
                    *failed || now.saturating_duration_since(*since) >= self.config().fault_after
                }
            }
    }

    /// The busy panel: a ticket request or a check-in is on its way.
    pub fn busy(&self, now: Instant) -> bool {
        (self.pending() || self.check_in.pending()) && !self.fault_visible(now)
    }

    /// The visitor confirms the reviewed details are correct (policy 6.4) and takes a number.
    pub fn confirm(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Review && self.settled(now) && self.details_acceptable() {
            self.submit(now);
        }
    }

    /// The request body for the current draft.
    pub fn request(&self) -> Option<TicketRequest> {
        let service = self.draft.service.clone()?;
        let d = &self.draft;
        let intake = match (&self.notice, d.with_details) {
            (Some(notice), true) => Some(IntakeRequest {
                notice_version: notice.version.clone(),
                name: self.check_name().valid(),
                national_id: self.check_id().valid(),
                mobile: self.check_mobile().valid(),
                needs: Needs {
                    interpreter_language: INTERPRETER
                        .get(d.interpreter)
                        .map(|l| l.0)
                        .filter(|c| !c.is_empty())
                        .map(str::to_string),
                    ..d.needs.clone()
                },
                // Kept with the details as before; the top-level flag below is what counts.
                feels_unsafe: d.feels_unsafe,
            }),
            _ => None,
        };
        let gender_preference = d.gender.filter(|_| d.with_details);
        Some(TicketRequest {
            service,
            priority: if d.priority_asked {
                Priority::Priority
            } else {
                Priority::Normal
            },
            gender_preference,
            intake,
            // Never needs the details: "I do not feel safe" may be said without consent.
            feels_unsafe: d.feels_unsafe,
        })
    }

    pub(super) fn submit(&mut self, now: Instant) {
        if self.pending() {
            return; // a double tap: the first request is on its way
        }
        let Some(request) = self.request() else {
            return;
        };
        let key = match &self.key {
            Some((k, r)) if *r == request => k.clone(),
            _ => {
                let k = (self.new_key)();
                self.key = Some((k.clone(), request.clone()));
                k
            }
        };
        self.submission = Submission::Pending {
            since: now,
            failed: false,
        };
        self.effects.push(Effect::Submit { key, request });
    }

    /// An answer from the worker.
    pub fn on_client(&mut self, ev: ClientEvent, now: Instant) {
        match ev {
            ClientEvent::Services(Ok(list)) => {
                self.services = list.services;
                self.services_failed = false;
                self.set_hours(list.hours, now);
            }
            ClientEvent::Services(Err(_)) => self.services_failed = self.services.is_empty(),
            ClientEvent::Notice(Ok(n)) => self.notice = Some(n),
            ClientEvent::Notice(Err(_)) => {}
            ClientEvent::Online(on) => self.online = on,
            ClientEvent::PrintReported { .. } => {}
            ClientEvent::CheckedIn { request, result } => self.on_checked_in(request, result, now),
            ClientEvent::Issued { key, ticket } => {
                if self.idempotency_key() != Some(key.as_str()) || self.screen == Screen::Ticket {
                    return; // an answer for a flow that was wiped, or a duplicate
                }
                // The personal details are no longer needed on this kiosk.
                self.draft = Draft::default();
                self.submission = Submission::None;
                self.effects.push(Effect::Print {
                    ticket: ticket.clone(),
                    attempt: 1,
                });
                self.print = PrintState::Printing { attempt: 1 };
                self.ticket = Some(ticket);
                self.wipe_from = now;
                self.wipe_after = self.config().ticket_wipe;
                self.go(Screen::Ticket, now);
            }
            ClientEvent::Failed { key, error } => {
                if self.idempotency_key() != Some(key.as_str()) || !self.pending() {
                    return;
                }
                if matches!(&error, ClientError::Refused(e) if e.code == "branch_closed") {
                    // Closed since the last word on the hours: the refusal says when it opens,
                    // and the welcome screen will too.
                    self.hours.open = false;
                    self.effects.push(Effect::RefreshServices);
                }
                self.submission = if error.retryable() {
                    match self.submission {
                        Submission::Pending { since, .. } => Submission::Pending {
                            since,
                            failed: true,
                        },
                        ref other => other.clone(),
                    }
                } else {
                    Submission::Refused(error)
                };
            }
        }
    }
}
