//! "Your turn is near", asked for from the status page by the status token (`commands::notify`):
//! what is offered, a Web Push subscription or a mobile number (in the body only, never in a
//! URL or a log), and withdrawing either. Public, rate-limited like the status lookup; an
//! unknown token gets the same 404.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::notify::{self as cmd, Ask, Refused};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, ClientIp};
use crate::http::security::private;
use crate::notify::push;

#[derive(Serialize, ToSchema)]
#[schema(as = NotifyOptions)]
pub struct OptionsDto {
    /// The VAPID public key to subscribe with (`applicationServerKey`, base64url); absent when
    /// Web Push is not configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_public_key: Option<String>,
    /// Whether an SMS may be asked for.
    pub sms: bool,
    /// The channels this ticket asked for (`push`, `sms`).
    pub asked: Vec<String>,
}

/// The browser's keys, as `PushSubscription.toJSON()` gives them.
#[derive(Deserialize, ToSchema)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// `PushSubscription.toJSON()`.
#[derive(Deserialize, ToSchema)]
pub struct PushSubscriptionBody {
    /// `https://` (or `http://` to loopback: a test's push service).
    pub endpoint: String,
    pub keys: PushKeys,
    #[serde(default, rename = "expirationTime")]
    #[allow(dead_code)]
    pub expiration_time: Option<f64>,
}

/// Exactly one of `push` and `sms`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyBody {
    #[serde(default)]
    pub push: Option<PushSubscriptionBody>,
    /// A mobile number (`05xxxxxxxx` or `+<country><number>`).
    #[serde(default)]
    pub sms: Option<String>,
    /// The language of the notices: `ar` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

fn refused(r: Refused, s: &AppState, ip: Option<std::net::IpAddr>) -> ApiError {
    match r {
        Refused::NotFound => super::public::not_found_or_throttled(s, ip),
        Refused::Ended => ApiError::new(
            StatusCode::CONFLICT,
            "visit_ended",
            "انتهت الزيارة",
            "The visit is over",
        ),
        Refused::NotOffered => ApiError::new(
            StatusCode::CONFLICT,
            "not_offered",
            "هذه الخدمة غير متاحة في الفرع",
            "This branch does not offer this channel",
        ),
        Refused::BadSubscription => ApiError::unprocessable(
            "invalid_subscription",
            "push",
            "اشتراك الإشعارات غير صالح",
            "The push subscription is not valid",
        ),
        Refused::BadNumber => ApiError::unprocessable(
            "invalid_mobile",
            "sms",
            "رقم الجوال غير صالح",
            "Not a valid mobile number",
        ),
    }
}

/// `GET /api/v1/status/{token}/notify`: what the status page may offer.
#[utoipa::path(
    get,
    path = "/api/v1/status/{token}/notify",
    tag = "public",
    summary = "What the status page may offer for \"your turn is near\": the VAPID public key \
               when Web Push is configured, whether SMS is, and what this ticket asked for. \
               Public, by the status token; limited like the status lookup; unknown tokens 404.",
    params(super::doc::TokenPath),
    responses(
        (status = 200, body = OptionsDto),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn options(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    let result = async {
        let Some(asked) = cmd::asked(&s.reads, &token).await? else {
            return Err(super::public::not_found_or_throttled(&s, ip));
        };
        let o = cmd::options(&s.reads, &s.config()).await?;
        Ok::<_, ApiError>(
            Json(OptionsDto {
                push_public_key: o.push_public_key,
                sms: o.sms,
                asked,
            })
            .into_response(),
        )
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}

/// `POST /api/v1/status/{token}/notify`: be told when the turn is near.
#[utoipa::path(
    post,
    path = "/api/v1/status/{token}/notify",
    tag = "public",
    summary = "Ask to be told when the turn is near and when called: a Web Push subscription \
               (`push`, PushSubscription.toJSON()) or a mobile number (`sms`), held only until \
               the visit ends. Public, by the status token; limited like the status lookup. \
               404 unknown token, 409 visit_ended or not_offered, 422 invalid_subscription or \
               invalid_mobile.",
    params(super::doc::TokenPath),
    request_body(content = NotifyBody, example = json!({"sms": "0512345678", "lang": "ar"})),
    responses(
        (status = 204, description = "recorded"),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn ask(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    body: AppJson<NotifyBody>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    let result = async {
        let b = body.value;
        let lang = message_lang(b.lang.as_deref())?;
        let ask = match (b.push, b.sms) {
            (Some(p), None) => Ask::Push(push::Subscription {
                endpoint: p.endpoint,
                p256dh: p.keys.p256dh,
                auth: p.keys.auth,
            }),
            (None, Some(n)) => Ask::Sms(n),
            _ => {
                return Err(ApiError::unprocessable(
                    "one_channel",
                    "push",
                    "اختر قناة واحدة",
                    "Give exactly one of push and sms",
                ));
            }
        };
        match cmd::ask(&s.engine, &s.config(), &token, ask, lang).await? {
            Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
            Err(r) => Err(refused(r, &s, ip)),
        }
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ChannelPath {
    /// The status token.
    pub token: String,
    /// `push` or `sms`.
    pub channel: String,
}

/// `DELETE /api/v1/status/{token}/notify/{channel}`: withdraw.
#[utoipa::path(
    delete,
    path = "/api/v1/status/{token}/notify/{channel}",
    tag = "public",
    summary = "Withdraw the request on `push` or `sms`: the subscription or number is deleted \
               at once. Public, by the status token; limited like the status lookup; unknown \
               tokens and channels 404.",
    params(ChannelPath),
    responses(
        (status = 204, description = "withdrawn (or there was nothing to withdraw)"),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn withdraw(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((token, channel)): Path<(String, String)>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    let result = async {
        let channel = match channel.as_str() {
            "push" => "push",
            "sms" => "sms",
            _ => return Err(ApiError::not_found()),
        };
        match cmd::withdraw(&s.engine, &token, channel).await? {
            Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
            Err(r) => Err(refused(r, &s, ip)),
        }
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}

/// The language of a message to the visitor: `ar` (also when not given) or `en`.
pub(super) fn message_lang(lang: Option<&str>) -> Result<awn_core::Lang, ApiError> {
    match lang {
        None | Some("ar") => Ok(awn_core::Lang::Ar),
        Some("en") => Ok(awn_core::Lang::En),
        Some(_) => Err(ApiError::unprocessable(
            "invalid_lang",
            "lang",
            "اللغة غير معروفة",
            "Lang is ar or en",
        )),
    }
}
