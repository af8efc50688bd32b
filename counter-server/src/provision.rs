//! Accounts, devices and reference documents, written straight to the database file (used by
//! the CLI, the demo and tests). Safe while the server runs: WAL plus a busy timeout, one short IMMEDIATE transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::auth::{DeviceScope, password, tokens};
use crate::domain::{Gender, Role, StaffId};
use crate::input::{FieldError, text};
use crate::store::provision::{self as rows, with_tx};
use crate::store::{Database, StoreError, reference, writes};

pub use crate::store::provision::DeviceRow;

pub fn add_staff(
    db: &Database,
    username: &str,
    display_name: &str,
    role: Role,
    gender: Gender,
    pw: &str,
) -> Result<StaffId, String> {
    let username = text::required("username", username, 64)
        .map_err(|e| e.message.en)?
        .to_lowercase();
    let display_name = text::required("name", display_name, 100).map_err(|e| e.message.en)?;
    crate::commands::admin::check_new_password(pw).map_err(|e| e.message.en)?;
    let hash = password::hash_password(pw);
    with_tx(db, |tx| {
        writes::create_staff(
            tx,
            &username,
            &display_name,
            role,
            gender,
            &hash,
            chrono::Utc::now(),
        )
    })
    .map_err(|e| {
        if e.to_string().contains("UNIQUE") {
            format!("a staff account {username:?} already exists")
        } else {
            e.to_string()
        }
    })
}

/// Sets a new password (used by the demo, which prints fresh passwords at each start).
pub fn set_password(db: &Database, username: &str, pw: &str) -> Result<(), String> {
    let hash = password::hash_password(pw);
    let n = with_tx(db, |tx| rows::set_password_hash(tx, username, &hash))
        .map_err(|e| e.to_string())?;
    if n == 1 {
        Ok(())
    } else {
        Err(format!("no staff account {username:?}"))
    }
}

/// A device as an admin describes it, from the command line (`add-device`) or the console (a
/// pairing claim): checked here, once.
#[derive(Clone, Debug)]
pub struct NewDevice {
    pub name: String,
    pub scope: DeviceScope,
    /// The desk an applicant tablet faces; only that scope has one.
    pub desk: Option<u32>,
}

impl NewDevice {
    pub fn new(name: &str, scope: DeviceScope, desk: Option<u32>) -> Result<Self, FieldError> {
        let name = text::required("name", name, 100)?;
        match (scope, desk) {
            (DeviceScope::Applicant, None) => Err(FieldError::new(
                "desk",
                "desk_required",
                "جهاز المراجع اللوحي يحتاج إلى رقم المكتب الذي يواجهه",
                "An applicant tablet needs the desk it faces",
            )),
            (DeviceScope::Applicant, Some(_)) | (_, None) => Ok(Self { name, scope, desk }),
            (_, Some(_)) => Err(FieldError::new(
                "desk",
                "desk_not_allowed",
                "رقم المكتب لجهاز المراجع اللوحي فقط",
                "A desk is only for an applicant tablet",
            )),
        }
    }

    /// Writes the device inside `conn`'s transaction and returns its id and token (stored only
    /// as a hash: show it once).
    pub fn create(
        &self,
        conn: &Connection,
        now: DateTime<Utc>,
    ) -> Result<(i64, String), StoreError> {
        let token = tokens::secret_token();
        let hash = tokens::hash(&token);
        let id = match self.desk {
            Some(desk) => {
                crate::store::confirmations::create_tablet(conn, &self.name, desk, &hash, now)?
            }
            None => writes::create_device(conn, &self.name, self.scope.as_str(), &hash, now)?,
        };
        Ok((id, token))
    }
}

/// Creates the device and returns its token, shown once.
pub fn add_new_device(db: &Database, device: &NewDevice) -> Result<String, String> {
    with_tx(db, |tx| device.create(tx, chrono::Utc::now()))
        .map(|(_, token)| token)
        .map_err(|e| e.to_string())
}

/// Creates a device and returns its token, which is stored only as a hash: show it once.
pub fn add_device(db: &Database, name: &str, scope: DeviceScope) -> Result<String, String> {
    let device = NewDevice::new(name, scope, None).map_err(|e| e.message.en)?;
    add_new_device(db, &device)
}

/// A new applicant tablet facing `desk` (policy 6.4); returns its token, shown once.
pub fn add_applicant_tablet(db: &Database, name: &str, desk: u32) -> Result<String, String> {
    let device =
        NewDevice::new(name, DeviceScope::Applicant, Some(desk)).map_err(|e| e.message.en)?;
    add_new_device(db, &device)
}

/// A token for a Prometheus scraper of `GET /metrics` (its own table, apart from devices).
pub fn add_metrics_token(db: &Database, name: &str) -> Result<String, String> {
    let name = text::required("name", name, 100).map_err(|e| e.message.en)?;
    let token = tokens::secret_token();
    let hash = tokens::hash(&token);
    with_tx(db, |tx| {
        crate::store::ratings::create_metrics_token(tx, &name, &hash, chrono::Utc::now())
    })
    .map_err(|e| e.to_string())?;
    Ok(token)
}

/// A new password, checked like a new account's; the account's open sessions end.
pub fn reset_password(db: &Database, username: &str, pw: &str) -> Result<(), String> {
    crate::commands::admin::check_new_password(pw).map_err(|e| e.message.en)?;
    set_password(db, username, pw)?;
    end_sessions(db, username)
}

/// The account can no longer log in; its open sessions end.
pub fn disable_staff(db: &Database, username: &str) -> Result<(), String> {
    let n = with_tx(db, |tx| rows::disable_staff(tx, username)).map_err(|e| e.to_string())?;
    if n != 1 {
        return Err(format!("no staff account {username:?}"));
    }
    end_sessions(db, username)
}

fn end_sessions(db: &Database, username: &str) -> Result<(), String> {
    with_tx(db, |tx| rows::end_sessions(tx, username))
        .map(drop)
        .map_err(|e| e.to_string())
}

pub fn list_devices(db: &Database) -> Result<Vec<DeviceRow>, String> {
    rows::list_devices(db).map_err(|e| e.to_string())
}

/// The device's token stops working (within the server's few seconds of caching at most).
pub fn revoke_device(db: &Database, id: i64) -> Result<(), String> {
    let now = chrono::Utc::now();
    let n = with_tx(db, |tx| rows::revoke_device(tx, id, now)).map_err(|e| e.to_string())?;
    if n == 1 {
        Ok(())
    } else {
        Err(format!("no active device {id}"))
    }
}

/// A reference document as the branch adds it (`add-reference`): the titles shown in the
/// console's list, the document's language, and the file (by its name's ending: Markdown, HTML or
/// PDF; converted and sanitised once, here). Its new id.
pub struct NewReference<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub title_ar: &'a str,
    pub title_en: &'a str,
    /// `ar` or `en`.
    pub lang: &'a str,
    /// A PDF's text, when it could be extracted (`pdftotext`); none: found by its titles.
    pub pdf_text: Option<&'a str>,
}

pub fn add_reference(db: &Database, new: &NewReference<'_>) -> Result<i64, String> {
    let title_ar = text::required("title_ar", new.title_ar, 200).map_err(|e| e.message.en)?;
    let title_en = text::required("title_en", new.title_en, 200).map_err(|e| e.message.en)?;
    if !matches!(new.lang, "ar" | "en") {
        return Err("the document's language is ar or en".into());
    }
    let doc = crate::reference::prepare(new.file_name, new.bytes, new.pdf_text)?;
    let index = crate::reference::index_text(&title_ar, &title_en, &doc.plain_text);
    with_tx(db, |tx| {
        reference::add(
            tx,
            (&title_ar, &title_en),
            new.lang,
            &doc,
            &index,
            chrono::Utc::now(),
        )
    })
    .map_err(|e| e.to_string())
}

pub fn remove_reference(db: &Database, id: i64) -> Result<(), String> {
    match with_tx(db, |tx| reference::remove(tx, id)).map_err(|e| e.to_string())? {
        1 => Ok(()),
        _ => Err(format!("no reference document {id}")),
    }
}

pub fn list_references(db: &Database) -> Result<Vec<reference::ReferenceRow>, String> {
    with_tx(db, |tx| reference::list(tx)).map_err(|e| e.to_string())
}
