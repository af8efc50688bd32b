//! SQL of the visit at a desk: what the visitor told the kiosk, the policy checklist, follow-ups,
//! closing notes, alerts and the audit trail. The rules about who may read or write these live in
//! `domain::visit`; these functions only run the statements.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, parse_day, parse_time, time_str};
use crate::domain::visit::CheckItem;
use crate::domain::{DeskId, StaffId, TicketId};

/// What the visitor chose to tell the kiosk. Personal data: read only after the visibility rule
/// passed, and every read is audited by the caller in the same transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntakeRow {
    pub name: Option<String>,
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub wheelchair: bool,
    pub hearing: bool,
    pub interpreter_language: Option<String>,
    pub companion: bool,
    pub consent_version: String,
    pub consent_given_at: DateTime<Utc>,
}

pub fn intake_of(conn: &Connection, ticket: TicketId) -> Result<Option<IntakeRow>, StoreError> {
    conn.prepare_cached(
        "SELECT i.name, i.national_id, i.mobile, i.wheelchair, i.hearing, i.interpreter_language, i.companion,
                c.notice_version, c.given_at
         FROM intakes i JOIN consents c ON c.id = i.consent_id WHERE i.ticket_id = ?1",
    )
    .ctx("prepare intake read")?
    .query_row([ticket], |r| {
        Ok(IntakeRow {
            name: r.get(0)?,
            national_id: r.get(1)?,
            mobile: r.get(2)?,
            wheelchair: r.get(3)?,
            hearing: r.get(4)?,
            interpreter_language: r.get(5)?,
            companion: r.get(6)?,
            consent_version: r.get(7)?,
            consent_given_at: parse_time(&r.get::<_, String>(8)?),
        })
    })
    .optional()
    .ctx("intake read")
}

/// One ticked item of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRow {
    pub item: CheckItem,
    pub done_at: DateTime<Utc>,
    pub staff_name: String,
    pub desk: Option<DeskId>,
}

pub fn checks_of(conn: &Connection, ticket: TicketId) -> Result<Vec<CheckRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.item, v.done_at, s.display_name, v.desk FROM visit_checks v JOIN staff s ON s.id = v.staff_id
             WHERE v.ticket_id = ?1 ORDER BY v.done_at",
        )
        .ctx("prepare checks read")?;
    let rows = stmt
        .query_map([ticket], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<DeskId>>(3)?,
            ))
        })
        .ctx("checks read")?;
    let mut out = Vec::new();
    for row in rows {
        let (item, at, staff_name, desk) = row.ctx("check row")?;
        if let Some(item) = CheckItem::parse(&item) {
            out.push(CheckRow {
                item,
                done_at: parse_time(&at),
                staff_name,
                desk,
            });
        }
    }
    Ok(out)
}

/// Ticks an item; the first tick stands (who and when are not overwritten by a second click).
pub fn tick(
    conn: &Connection,
    ticket: TicketId,
    item: CheckItem,
    staff: StaffId,
    desk: Option<DeskId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO visit_checks (ticket_id, item, done_at, staff_id, desk) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("prepare tick")?
    .execute(params![ticket, item.as_str(), time_str(now), staff, desk])
    .ctx("tick")?;
    Ok(())
}

/// What the desk recorded of one document of the service's checklist (policy 6.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRow {
    pub document: String,
    pub valid: bool,
    pub expires_on: Option<NaiveDate>,
    /// Personal data (a case or police report number): shown only where the intake is.
    pub reference: Option<String>,
    pub checked_at: DateTime<Utc>,
    pub staff_name: String,
    pub desk: Option<DeskId>,
}

impl DocumentRow {
    pub fn seen(&self) -> crate::domain::visit::DocumentSeen {
        crate::domain::visit::DocumentSeen {
            valid: self.valid,
            expires_on: self.expires_on,
            has_reference: self.reference.is_some(),
        }
    }
}

pub fn documents_of(conn: &Connection, ticket: TicketId) -> Result<Vec<DocumentRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT d.document, d.valid, d.expires_on, d.reference, d.checked_at, s.display_name, d.desk
             FROM visit_documents d JOIN staff s ON s.id = d.staff_id WHERE d.ticket_id = ?1",
        )
        .ctx("prepare documents read")?;
    let rows = stmt
        .query_map([ticket], |r| {
            Ok(DocumentRow {
                document: r.get(0)?,
                valid: r.get(1)?,
                expires_on: r.get::<_, Option<String>>(2)?.as_deref().map(parse_day),
                reference: r.get(3)?,
                checked_at: parse_time(&r.get::<_, String>(4)?),
                staff_name: r.get(5)?,
                desk: r.get(6)?,
            })
        })
        .ctx("documents read")?;
    rows.collect::<Result<_, _>>().ctx("document row")
}

/// One document as the desk saw it, by whom; a later record of the same document replaces it.
pub struct DocumentRecord<'a> {
    pub document: &'a str,
    pub valid: bool,
    pub expires_on: Option<NaiveDate>,
    pub reference: Option<&'a str>,
    pub staff: StaffId,
    pub desk: Option<DeskId>,
}

pub fn record_document(
    conn: &Connection,
    ticket: TicketId,
    record: &DocumentRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_documents (ticket_id, document, valid, expires_on, reference, staff_id, desk, checked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (ticket_id, document) DO UPDATE SET valid = excluded.valid, expires_on = excluded.expires_on,
             reference = excluded.reference, staff_id = excluded.staff_id, desk = excluded.desk,
             checked_at = excluded.checked_at",
    )
    .ctx("prepare document")?
    .execute(params![
        ticket,
        record.document,
        record.valid,
        record.expires_on.map(|d| d.to_string()),
        record.reference,
        record.staff,
        record.desk,
        time_str(now),
    ])
    .ctx("record document")?;
    Ok(())
}

/// An empty intake for a visitor who gave no details at the kiosk, with the consent the staff
/// member recorded after reading them the notice (its current version and text).
pub fn open_intake_at_desk(
    conn: &Connection,
    ticket: TicketId,
    notice: &crate::config::IntakeNotice,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // A consent row may outlive its intake (a visitor's deletion keeps the proof of consent).
    let consent: i64 = conn
        .prepare_cached(
            "INSERT INTO consents (ticket_id, notice_version, notice_text_ar, notice_text_en, given_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (ticket_id) DO UPDATE SET notice_version = excluded.notice_version,
                 notice_text_ar = excluded.notice_text_ar, notice_text_en = excluded.notice_text_en,
                 given_at = excluded.given_at, recorded_by = excluded.recorded_by
             RETURNING id",
        )
        .ctx("prepare desk consent")?
        .query_row(
            params![ticket, notice.version, notice.ar, notice.en, time_str(now), staff],
            |r| r.get(0),
        )
        .ctx("desk consent")?;
    conn.prepare_cached(
        "INSERT INTO intakes (ticket_id, consent_id, wheelchair, hearing, companion, feels_unsafe)
         VALUES (?1, ?2, 0, 0, 0, 0)",
    )
    .ctx("prepare desk intake")?
    .execute(params![ticket, consent])
    .ctx("desk intake")?;
    Ok(())
}

/// A supervisor registered a request whose checklist was incomplete, and why (personal data: it
/// may describe the visitor's situation, so it is kept with the visit, not in the audit log).
pub fn save_registration_override(
    conn: &Connection,
    ticket: TicketId,
    staff: StaffId,
    now: DateTime<Utc>,
    reason: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO registration_overrides (ticket_id, staff_id, at, reason) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (ticket_id) DO UPDATE SET staff_id = excluded.staff_id, at = excluded.at, reason = excluded.reason",
    )
    .ctx("prepare registration override")?
    .execute(params![ticket, staff, time_str(now), reason])
    .ctx("save registration override")?;
    Ok(())
}

/// A supervisor allowed this visit's registration over an incomplete checklist.
pub fn registration_overridden(conn: &Connection, ticket: TicketId) -> Result<bool, StoreError> {
    super::exists(
        conn,
        "SELECT 1 FROM registration_overrides WHERE ticket_id = ?1",
        [ticket],
    )
}

/// Why and when the visitor was referred to the social researcher (policy 6.3), if they were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralRow {
    pub reason: String,
    pub at: DateTime<Utc>,
    pub from_desk: Option<DeskId>,
}

pub fn referral_of(conn: &Connection, ticket: TicketId) -> Result<Option<ReferralRow>, StoreError> {
    conn.prepare_cached(
        "SELECT detail, at, desk FROM ticket_events WHERE ticket_id = ?1 AND action = 'refer' ORDER BY id DESC LIMIT 1",
    )
    .ctx("prepare referral read")?
    .query_row([ticket], |r| {
        Ok(ReferralRow {
            reason: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            at: parse_time(&r.get::<_, String>(1)?),
            from_desk: r.get(2)?,
        })
    })
    .optional()
    .ctx("referral read")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpRow {
    pub id: i64,
    pub visit_date: NaiveDate,
    pub earliest_answer_date: NaiveDate,
    pub reference: Option<String>,
    /// Who registered the request: they may open the finished visit again.
    pub opened_by: StaffId,
}

pub fn open_follow_up(
    conn: &Connection,
    ticket: TicketId,
    staff: StaffId,
    now: DateTime<Utc>,
    visit_date: NaiveDate,
    earliest_answer_date: NaiveDate,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO follow_ups (ticket_id, opened_at, opened_by, visit_date, earliest_answer_date) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("prepare follow-up")?
    .execute(params![
        ticket,
        time_str(now),
        staff,
        visit_date.to_string(),
        earliest_answer_date.to_string()
    ])
    .ctx("open follow-up")?;
    Ok(conn.last_insert_rowid())
}

pub fn follow_up_of(
    conn: &Connection,
    ticket: TicketId,
) -> Result<Option<FollowUpRow>, StoreError> {
    conn.prepare_cached(
        "SELECT id, visit_date, earliest_answer_date, reference, opened_by
         FROM follow_ups WHERE ticket_id = ?1",
    )
    .ctx("prepare follow-up read")?
    .query_row([ticket], |r| {
        Ok(FollowUpRow {
            id: r.get(0)?,
            visit_date: parse_day(&r.get::<_, String>(1)?),
            earliest_answer_date: parse_day(&r.get::<_, String>(2)?),
            reference: r.get(3)?,
            opened_by: r.get(4)?,
        })
    })
    .optional()
    .ctx("follow-up read")
}

pub fn save_note(
    conn: &Connection,
    ticket: TicketId,
    staff: StaffId,
    now: DateTime<Utc>,
    note: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO visit_notes (ticket_id, staff_id, at, note) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (ticket_id) DO UPDATE SET staff_id = excluded.staff_id, at = excluded.at, note = excluded.note",
    )
    .ctx("prepare note")?
    .execute(params![ticket, staff, time_str(now), note])
    .ctx("save note")?;
    Ok(())
}

/// An alert not yet acknowledged, for the supervisors' consoles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub id: i64,
    pub kind: String,
    pub reason: Option<String>,
    pub ticket: TicketId,
    pub label: String,
    pub raised_at: DateTime<Utc>,
}

pub fn open_alerts(conn: &Connection) -> Result<Vec<AlertRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.id, a.kind, a.ticket_id, t.label, a.raised_at, a.reason FROM alerts a JOIN tickets t ON t.id = a.ticket_id
             WHERE a.acknowledged_at IS NULL ORDER BY a.id",
        )
        .ctx("prepare alerts")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(AlertRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                ticket: r.get(2)?,
                label: r.get(3)?,
                raised_at: parse_time(&r.get::<_, String>(4)?),
                reason: r.get(5)?,
            })
        })
        .ctx("alerts")?;
    rows.collect::<Result<_, _>>().ctx("alert row")
}

/// Marks an alert acknowledged; false when there is no such open alert.
pub fn acknowledge_alert(
    conn: &Connection,
    id: i64,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE alerts SET acknowledged_at = ?2, acknowledged_by = ?3 WHERE id = ?1 AND acknowledged_at IS NULL",
        )
        .ctx("prepare acknowledge")?
        .execute(params![id, time_str(now), staff])
        .ctx("acknowledge")?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{migrate, open};

    #[test]
    fn checklist_keeps_the_first_tick_and_audit_rows_hold_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(
            &crate::store::Database::plain(dir.path().join("t.db")),
            false,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO services VALUES ('s', 'A', 'ا', 'a');
             INSERT INTO staff (id, username, display_name, role, gender, password_hash, created_at)
                 VALUES (1, 'u', 'U', 'reception', 'female', 'x', 'now'), (2, 'v', 'V', 'reception', 'female', 'x', 'now');
             INSERT INTO tickets (id, service, service_day, number, label, priority, state, route, issued_at, status_token_hash)
                 VALUES (7, 's', '2026-11-03', 1, 'A-001', 'normal', 'serving', 'service', '2026-11-03T06:00:00Z', x'01');",
        )
        .unwrap();
        let t0 = parse_time("2026-11-03T06:10:00Z");
        tick(&conn, 7, CheckItem::DataConfirmed, 1, Some(1), t0).unwrap();
        tick(
            &conn,
            7,
            CheckItem::DataConfirmed,
            2,
            Some(2),
            t0 + chrono::Duration::minutes(1),
        )
        .unwrap();
        let checks = checks_of(&conn, 7).unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(
            (checks[0].staff_name.as_str(), checks[0].done_at),
            ("U", t0)
        );
        let e = crate::store::audit::AuditEntry {
            staff_id: Some(1),
            role: Some("reception".into()),
            desk: Some(1),
            ticket_id: Some(7),
            action: "view_visit".into(),
            request_id: Some("r1".into()),
            ..Default::default()
        };
        crate::store::audit::append(&conn, &e, t0).unwrap();
        let cols: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('audit_log')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            cols,
            [
                "id",
                "at",
                "staff_id",
                "role",
                "desk",
                "ticket_id",
                "action",
                "request_id",
                "device_id",
                "reason",
                "prev_hash",
                "row_hash"
            ]
        );
    }
}
