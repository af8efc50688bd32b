//! Administration in the browser (issue 15 item 1): staff accounts and devices. Every change is
//! one engine job with its audit row; a change that would break running work or lock the branch
//! out is refused with its own reason.
//!
//! Passwords: an admin never sees or sets one. A new account, or a forgotten password, gets a
//! one-time code (`CODE_HOURS` to use it, once) with which the staff member sets their own;
//! everyone changes their own password with the current one.

use chrono::{DateTime, Duration, Utc};

use super::{CommandError, Refusal};
use crate::auth::{password, tokens};
use crate::domain::{Gender, Role, StaffId};
use crate::input::{FieldError, text};
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::Engine;
use crate::store::staff_admin::{self as rows, DeviceRow, StaffChange, StaffRow};
use crate::store::{role_str, writes};

/// How long a one-time code may be used.
pub const CODE_HOURS: i64 = 24;

/// The shortest password a staff member may choose (the one rule, for the CLI too).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Who is acting, for the audit row.
#[derive(Clone, Copy, Debug)]
pub struct ActingStaff {
    pub id: StaffId,
    pub role: Role,
}

fn entry(by: ActingStaff, action: &str, reason: Option<String>) -> AuditEntry {
    AuditEntry {
        staff_id: Some(by.id),
        role: Some(role_str(by.role).to_string()),
        action: action.into(),
        reason,
        ..AuditEntry::default()
    }
}

/// A new password as its owner typed it: long enough, not absurdly long.
pub fn check_new_password(pw: &str) -> Result<(), FieldError> {
    let n = pw.chars().count();
    if (MIN_PASSWORD_CHARS..=256).contains(&n) {
        Ok(())
    } else {
        Err(FieldError::new(
            "new_password",
            "weak_password",
            "كلمة المرور الجديدة من ١٠ أحرف على الأقل",
            "The new password needs at least 10 characters",
        ))
    }
}

/// A code to read out or hand over: 12 letters and digits without look-alikes (0/O, 1/I/L), in
/// groups of four; about 58 bits, used once, within `CODE_HOURS`, and throttled like a login.
fn one_time_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code as typed: case, spaces and dashes do not matter.
fn normalise_code(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Argon2 work, off the async threads (its blocking task failing reads as a stopped engine).
async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CommandError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| CommandError::Engine(crate::store::engine::EngineError::Stopped))
}

/// A random password nobody knows, hashed like a real one, so a login on the account costs the
/// same as on any other.
fn unusable_password() -> String {
    password::hash_password(&tokens::secret_token())
}

/// A code just made: shown once to the admin.
#[derive(Clone, Debug)]
pub struct IssuedCode {
    pub staff: StaffRow,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Sessions a change ended, so the caller also forgets them from its cache at once.
pub type EndedSessions = Vec<Vec<u8>>;

pub async fn list_staff(engine: &Engine) -> Result<Vec<StaffRow>, CommandError> {
    engine
        .read(|ctx| rows::list_staff(ctx.conn).map_err(CommandError::from))
        .await?
}

pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub gender: Gender,
}

/// A new account with a one-time code to set its password; it has no usable password before.
pub async fn add_staff(
    engine: &Engine,
    by: ActingStaff,
    new: NewStaff,
) -> Result<IssuedCode, CommandError> {
    let username = text::required("username", &new.username, 64)?.to_lowercase();
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            "username",
            "invalid_field",
            "اسم المستخدم: حروف لاتينية وأرقام و . _ - فقط",
            "Username: Latin letters, digits and . _ - only",
        )
        .into());
    }
    let display_name = text::required("display_name", &new.display_name, 100)?;
    let unusable = off_thread(unusable_password).await?;
    let code = one_time_code();
    let code_hash = tokens::hash(&code);
    engine
        .write(move |ctx| -> Result<IssuedCode, CommandError> {
            let taken = crate::store::reads::staff_by_username(ctx.tx, &username)?.is_some();
            if taken {
                return Err(Refusal::UsernameTaken.into());
            }
            let id = writes::create_staff(
                ctx.tx,
                &username,
                &display_name,
                new.role,
                new.gender,
                &unusable,
                ctx.now,
            )?;
            let expires_at = ctx.now + Duration::hours(CODE_HOURS);
            rows::put_code(ctx.tx, id, &code_hash, expires_at, by.id)?;
            let e = entry(
                by,
                "staff_added",
                Some(format!("staff {id}, {}", role_str(new.role))),
            );
            audit::append(ctx.tx, &e, ctx.now)?;
            let staff = rows::staff_by_id(ctx.tx, id)?.ok_or(Refusal::UnknownStaff)?;
            Ok(IssuedCode {
                staff,
                code,
                expires_at,
            })
        })
        .await
}

/// What an admin may change of an account.
pub struct StaffEdit {
    pub display_name: String,
    pub role: Role,
    pub gender: Gender,
    pub disabled: bool,
}

/// Changes an account. A new role, gender or disabling ends its sessions (they carry the role
/// and the gender the routing uses); refused while the person is signed in at a desk, and
/// refused when it would leave the branch with no active admin.
pub async fn edit_staff(
    engine: &Engine,
    by: ActingStaff,
    id: StaffId,
    edit: StaffEdit,
) -> Result<(StaffRow, EndedSessions), CommandError> {
    let display_name = text::required("display_name", &edit.display_name, 100)?;
    engine
        .write(
            move |ctx| -> Result<(StaffRow, EndedSessions), CommandError> {
                let before = rows::staff_by_id(ctx.tx, id)?.ok_or(Refusal::UnknownStaff)?;
                let access_changes = before.role != edit.role
                    || before.gender != edit.gender
                    || before.disabled != edit.disabled;
                if access_changes && ctx.queue.desk_of_staff(id).is_some() {
                    return Err(Refusal::StaffAtDesk.into());
                }
                let was_admin = before.role == Role::Admin && !before.disabled;
                let stays_admin = edit.role == Role::Admin && !edit.disabled;
                if was_admin && !stays_admin && rows::active_admins(ctx.tx)? <= 1 {
                    return Err(Refusal::LastAdmin.into());
                }
                let change = StaffChange {
                    display_name: &display_name,
                    role: edit.role,
                    gender: edit.gender,
                    disabled: edit.disabled,
                };
                rows::update_staff(ctx.tx, id, &change)?;
                let ended = if access_changes {
                    rows::end_sessions(ctx.tx, id, None)?
                } else {
                    Vec::new()
                };
                let what = if edit.disabled && !before.disabled {
                    "staff_disabled"
                } else {
                    "staff_edited"
                };
                let e = entry(
                    by,
                    what,
                    Some(format!("staff {id}, {}", role_str(edit.role))),
                );
                audit::append(ctx.tx, &e, ctx.now)?;
                let after = rows::staff_by_id(ctx.tx, id)?.ok_or(Refusal::UnknownStaff)?;
                Ok((after, ended))
            },
        )
        .await
}

/// A one-time code for a forgotten password: the old password stops working and the account's
/// sessions end (whoever knew the old one is out).
pub async fn reset_with_code(
    engine: &Engine,
    by: ActingStaff,
    id: StaffId,
) -> Result<(IssuedCode, EndedSessions), CommandError> {
    let unusable = off_thread(unusable_password).await?;
    let code = one_time_code();
    let code_hash = tokens::hash(&code);
    engine
        .write(
            move |ctx| -> Result<(IssuedCode, EndedSessions), CommandError> {
                let staff = rows::staff_by_id(ctx.tx, id)?.ok_or(Refusal::UnknownStaff)?;
                if staff.disabled {
                    return Err(Refusal::StaffDisabled.into());
                }
                rows::set_password_hash(ctx.tx, id, &unusable)?;
                let expires_at = ctx.now + Duration::hours(CODE_HOURS);
                rows::put_code(ctx.tx, id, &code_hash, expires_at, by.id)?;
                let ended = rows::end_sessions(ctx.tx, id, None)?;
                let e = entry(by, "password_code_issued", Some(format!("staff {id}")));
                audit::append(ctx.tx, &e, ctx.now)?;
                let staff = rows::staff_by_id(ctx.tx, id)?.ok_or(Refusal::UnknownStaff)?;
                Ok((
                    IssuedCode {
                        staff,
                        code,
                        expires_at,
                    },
                    ended,
                ))
            },
        )
        .await
}

/// The staff member sets their password with the code an admin gave them (the code is used up).
/// The caller throttles attempts like logins.
pub async fn set_password_with_code(
    engine: &Engine,
    username: &str,
    code: &str,
    new_password: String,
) -> Result<StaffId, CommandError> {
    let username = text::required("username", username, 64)?.to_lowercase();
    check_new_password(&new_password)?;
    let code_hash = tokens::hash(&normalise_code(code));
    let hash = off_thread(move || password::hash_password(&new_password)).await?;
    engine
        .write(move |ctx| -> Result<StaffId, CommandError> {
            let id = rows::take_code(ctx.tx, &username, &code_hash, ctx.now)?
                .ok_or(Refusal::InvalidCode)?;
            rows::set_password_hash(ctx.tx, id, &hash)?;
            rows::end_sessions(ctx.tx, id, None)?;
            let e = AuditEntry {
                staff_id: Some(id),
                action: "password_set_with_code".into(),
                ..AuditEntry::default()
            };
            audit::append(ctx.tx, &e, ctx.now)?;
            Ok(id)
        })
        .await
}

/// A staff member changes their own password; their other sessions end, this one stays.
pub async fn change_own_password(
    engine: &Engine,
    who: ActingStaff,
    session: [u8; 32],
    current: String,
    new_password: String,
) -> Result<EndedSessions, CommandError> {
    check_new_password(&new_password)?;
    let id = who.id;
    let stored = engine
        .read(move |ctx| rows::password_hash(ctx.conn, id))
        .await??
        .ok_or(Refusal::UnknownStaff)?;
    let checked = off_thread(move || {
        password::verify_password(&current, &stored).then(|| password::hash_password(&new_password))
    })
    .await?;
    let hash = checked.ok_or(Refusal::WrongPassword)?;
    engine
        .write(move |ctx| -> Result<EndedSessions, CommandError> {
            rows::set_password_hash(ctx.tx, id, &hash)?;
            let ended = rows::end_sessions(ctx.tx, id, Some(&session))?;
            audit::append(ctx.tx, &entry(who, "password_changed", None), ctx.now)?;
            Ok(ended)
        })
        .await
}

pub async fn list_devices(engine: &Engine) -> Result<Vec<DeviceRow>, CommandError> {
    engine
        .read(|ctx| rows::list_devices(ctx.conn).map_err(CommandError::from))
        .await?
}

/// The device's token stops working at once; its token hash is returned for the cache.
pub async fn revoke_device(
    engine: &Engine,
    by: ActingStaff,
    id: i64,
) -> Result<Vec<u8>, CommandError> {
    engine
        .write(move |ctx| -> Result<Vec<u8>, CommandError> {
            let hash = rows::device_token_hash(ctx.tx, id)?.ok_or(Refusal::UnknownDevice)?;
            let n = crate::store::provision::revoke_device(ctx.tx, id, ctx.now)?;
            if n == 0 {
                return Err(Refusal::DeviceRevoked.into());
            }
            audit::append(
                ctx.tx,
                &entry(by, "device_revoked", Some(format!("device {id}"))),
                ctx.now,
            )?;
            Ok(hash)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unambiguous_groups_and_typing_them_loosely_still_matches() {
        let code = one_time_code();
        assert_eq!(code.len(), 14, "{code}");
        assert!(
            code.chars()
                .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"01OIL".contains(c))),
            "{code}"
        );
        let loose = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&loose), code);
        assert_ne!(one_time_code(), code, "each code is drawn afresh");
    }

    #[test]
    fn a_new_password_has_at_least_ten_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("ten chars!").is_ok());
        assert!(check_new_password("كلمةمرورطويلة").is_ok());
        assert!(check_new_password(&"x".repeat(257)).is_err());
    }
}
