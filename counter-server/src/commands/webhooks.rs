//! Webhook endpoints and dead deliveries, for admins (issue 17 item 4). Each change is one engine
//! job with its audit row (by endpoint or delivery id, never the URL). The secret is made here and
//! returned once: nothing lists it again.

use super::admin::ActingStaff;
use super::{CommandError, Refusal};
use crate::domain::webhook::EventType;
use crate::input::FieldError;
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::Engine;
use crate::store::role_str;
use crate::store::webhooks::{self as rows, DeadRow, EndpointRow};
use crate::webhooks::client::{UrlProblem, target};
use crate::webhooks::signature;

fn entry(by: ActingStaff, action: &str, reason: String) -> AuditEntry {
    AuditEntry {
        staff_id: Some(by.id),
        role: Some(role_str(by.role).to_string()),
        action: action.into(),
        reason: Some(reason),
        ..AuditEntry::default()
    }
}

/// What an admin asks for.
pub struct NewEndpoint {
    pub url: String,
    /// Event type names (`request.registered`, `committee.decided`, `rating.low`).
    pub events: Vec<String>,
    /// With `rating.low`: a score at or below it is sent (1 to 5).
    pub rating_threshold: Option<i64>,
}

/// An endpoint just registered, with its secret (`whsec_…`), shown this once.
pub struct Registered {
    pub endpoint: EndpointRow,
    pub secret: String,
}

/// The checked endpoint: its URL, event types (sorted, once each) and threshold.
pub fn check(new: &NewEndpoint) -> Result<(String, Vec<EventType>, Option<u8>), FieldError> {
    let url = new.url.trim().to_string();
    match target(&url) {
        Ok(_) => {}
        Err(UrlProblem::NotHttps) => {
            return Err(FieldError::new(
                "url",
                "webhook_url_not_https",
                "عنوان الربط يبدأ بـ https://",
                "A webhook URL starts with https://",
            ));
        }
        Err(UrlProblem::Malformed) => {
            return Err(FieldError::new(
                "url",
                "webhook_url_invalid",
                "عنوان الربط غير صالح",
                "The webhook URL is not a valid https URL",
            ));
        }
    }
    let mut events = Vec::new();
    for name in &new.events {
        let Some(t) = EventType::parse(name) else {
            return Err(FieldError::new(
                "events",
                "unknown_event_type",
                "نوع حدث غير معروف: request.registered أو committee.decided أو rating.low",
                "Unknown event type: request.registered, committee.decided or rating.low",
            ));
        };
        events.push(t);
    }
    events.sort();
    events.dedup();
    if events.is_empty() {
        return Err(FieldError::new(
            "events",
            "unknown_event_type",
            "اختر حدثًا واحدًا على الأقل",
            "Choose at least one event",
        ));
    }
    let wants_ratings = events.contains(&EventType::RatingLow);
    let threshold = new.rating_threshold.map(awn_core::rating::score);
    match (wants_ratings, threshold) {
        (true, Some(Some(t))) => Ok((url, events, Some(t))),
        (false, None) => Ok((url, events, None)),
        _ => Err(FieldError::new(
            "rating_threshold",
            "bad_threshold",
            "حد التقييم من ١ إلى ٥، ومع حدث التقييم المنخفض فقط",
            "The rating threshold is 1 to 5, given with rating.low only",
        )),
    }
}

pub async fn list(engine: &Engine) -> Result<Vec<EndpointRow>, CommandError> {
    engine
        .read(|ctx| rows::list_endpoints(ctx.conn).map_err(CommandError::from))
        .await?
}

pub async fn register(
    engine: &Engine,
    by: ActingStaff,
    new: NewEndpoint,
) -> Result<Registered, CommandError> {
    let (url, events, threshold) = check(&new)?;
    let key = signature::new_secret();
    let secret = signature::secret_text(&key);
    engine
        .write(move |ctx| -> Result<Registered, CommandError> {
            let id = rows::insert_endpoint(ctx.tx, &url, &events, threshold, &key, ctx.now)?;
            let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
            let reason = format!("endpoint {id}: {}", names.join(","));
            audit::append(ctx.tx, &entry(by, "webhook_registered", reason), ctx.now)?;
            let endpoint = rows::list_endpoints(ctx.tx)?
                .into_iter()
                .find(|e| e.id == id)
                .ok_or(Refusal::UnknownWebhook)?;
            Ok(Registered { endpoint, secret })
        })
        .await
}

/// Stops sending to the endpoint; what waits for it stays (deleting it drops that too).
pub async fn deactivate(engine: &Engine, by: ActingStaff, id: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| -> Result<(), CommandError> {
            if rows::deactivate_endpoint(ctx.tx, id)? == 0 {
                return Err(if rows::endpoint_exists(ctx.tx, id)? {
                    Refusal::WebhookInactive
                } else {
                    Refusal::UnknownWebhook
                }
                .into());
            }
            let e = entry(by, "webhook_deactivated", format!("endpoint {id}"));
            audit::append(ctx.tx, &e, ctx.now)?;
            Ok(())
        })
        .await
}

/// Deletes the endpoint and every delivery of it, sent or not.
pub async fn delete(engine: &Engine, by: ActingStaff, id: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| -> Result<(), CommandError> {
            if rows::delete_endpoint(ctx.tx, id)? == 0 {
                return Err(Refusal::UnknownWebhook.into());
            }
            let e = entry(by, "webhook_deleted", format!("endpoint {id}"));
            audit::append(ctx.tx, &e, ctx.now)?;
            Ok(())
        })
        .await
}

pub async fn dead(engine: &Engine) -> Result<Vec<DeadRow>, CommandError> {
    engine
        .read(|ctx| rows::dead(ctx.conn).map_err(CommandError::from))
        .await?
}

/// A dead delivery back to pending, with the schedule from its start: its endpoint's next.
pub async fn replay(engine: &Engine, by: ActingStaff, id: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| -> Result<(), CommandError> {
            if rows::replay(ctx.tx, id, ctx.now)? == 0 {
                return Err(Refusal::UnknownDeadDelivery.into());
            }
            let e = entry(by, "webhook_replayed", format!("delivery {id}"));
            audit::append(ctx.tx, &e, ctx.now)?;
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(url: &str, events: &[&str], threshold: Option<i64>) -> NewEndpoint {
        NewEndpoint {
            url: url.into(),
            events: events.iter().map(|s| s.to_string()).collect(),
            rating_threshold: threshold,
        }
    }

    fn code(n: NewEndpoint) -> &'static str {
        check(&n).unwrap_err().code
    }

    #[test]
    fn an_endpoint_is_https_with_known_events_and_a_threshold_only_for_ratings() {
        let ok = check(&new(
            " https://hooks.example.org/awn ",
            &["rating.low", "request.registered", "rating.low"],
            Some(2),
        ))
        .unwrap();
        assert_eq!(
            ok,
            (
                "https://hooks.example.org/awn".to_string(),
                vec![EventType::RequestRegistered, EventType::RatingLow],
                Some(2)
            )
        );
        let h = "https://h.example.org/";
        assert_eq!(
            code(new("http://h.example.org/", &["rating.low"], Some(2))),
            "webhook_url_not_https"
        );
        assert_eq!(
            code(new("h.example.org", &["rating.low"], Some(2))),
            "webhook_url_invalid"
        );
        assert_eq!(code(new(h, &["ticket.issued"], None)), "unknown_event_type");
        assert_eq!(code(new(h, &[], None)), "unknown_event_type");
        assert_eq!(code(new(h, &["rating.low"], None)), "bad_threshold");
        assert_eq!(code(new(h, &["rating.low"], Some(0))), "bad_threshold");
        assert_eq!(code(new(h, &["rating.low"], Some(6))), "bad_threshold");
        assert_eq!(
            code(new(h, &["committee.decided"], Some(3))),
            "bad_threshold"
        );
        assert!(check(&new(h, &["committee.decided"], None)).is_ok());
    }
}
