//! Administration of what the branch offers (issue 15 item 1): services, desks, the branch's
//! names and the consent notice, changed live. Each change is one engine job: the new settings
//! are checked by the file's rules (`Config::with_catalog`) and by the running queue's
//! (`Queue::check_reconfigure`: no removing a service with tickets in its line, or a desk someone
//! works at), stored with an audit row, put in the queue, and in force for every handler once
//! committed (`WriteCtx::replace_config`); consoles and boards are told to reload.

use std::sync::Arc;

use super::admin::ActingStaff;
use super::{CommandError, Refusal};
use crate::config::{Catalog, Config, DeskConfig, ServiceConfig};
use crate::domain::{DeskId, DeskPlan, ReconfigureRefusal, Service};
use crate::input::FieldError;
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{role_str, settings, sync_catalog};

pub async fn current(engine: &Engine) -> Result<Catalog, CommandError> {
    Ok(engine.read(|ctx| ctx.config.catalog()).await?)
}

/// The queue's view of the services and desks of `config`.
fn queue_parts(config: &Config) -> (Vec<Service>, Vec<DeskPlan>) {
    let services = config.services.iter().map(|s| s.for_queue()).collect();
    let desks = config
        .desks
        .iter()
        .map(|d| DeskPlan {
            id: d.id,
            kind: d.kind.into(),
            services: d.services.clone(),
        })
        .collect();
    (services, desks)
}

fn invalid(message: String) -> CommandError {
    FieldError::new(
        "settings",
        "invalid_settings",
        "لا يمكن حفظ هذه الإعدادات، راجع الحقول",
        message,
    )
    .into()
}

/// Applies `edit` to the settings in force and puts the result in force.
async fn change(
    engine: &Engine,
    by: ActingStaff,
    action: &'static str,
    what: String,
    edit: impl FnOnce(&mut Catalog, &Config) -> Result<(), CommandError> + Send + 'static,
) -> Result<Catalog, CommandError> {
    engine
        .write(
            move |ctx: &mut WriteCtx<'_>| -> Result<Catalog, CommandError> {
                let before = ctx.current_config();
                let mut catalog = before.catalog();
                edit(&mut catalog, before)?;
                let config = before.with_catalog(catalog.clone()).map_err(invalid)?;
                let (services, desks) = queue_parts(&config);
                ctx.queue
                    .check_reconfigure(&services, &desks)
                    .map_err(|r| match r {
                        ReconfigureRefusal::ServiceInUse(_) => Refusal::ServiceInUse,
                        ReconfigureRefusal::DeskInUse(_) => Refusal::DeskInUse,
                    })?;
                settings::save(ctx.tx, &catalog, ctx.now, Some(by.id))?;
                sync_catalog(ctx.tx, &config)?;
                let entry = AuditEntry {
                    staff_id: Some(by.id),
                    role: Some(role_str(by.role).to_string()),
                    action: action.into(),
                    reason: Some(what),
                    ..AuditEntry::default()
                };
                audit::append(ctx.tx, &entry, ctx.now)?;
                ctx.queue.reconfigure(services, desks);
                ctx.replace_config(Arc::new(config));
                Ok(catalog)
            },
        )
        .await
}

/// Adds a service, or replaces the one with its code; `retention_days` `None` keeps the
/// branch's default period.
pub async fn put_service(
    engine: &Engine,
    by: ActingStaff,
    service: ServiceConfig,
    retention_days: Option<u32>,
) -> Result<Catalog, CommandError> {
    let what = format!("service {}", service.code);
    change(engine, by, "service_saved", what, move |c, _| {
        let code = service.code.clone();
        match c.services.iter_mut().find(|s| s.code == code) {
            Some(s) => *s = service,
            None => c.services.push(service),
        }
        match retention_days {
            Some(days) => c.retention_days.insert(code, days),
            None => c.retention_days.remove(&code),
        };
        Ok(())
    })
    .await
}

/// Stops or resumes new tickets for a service (its line is still served): what a supervisor may
/// change of the settings.
pub async fn set_offered(
    engine: &Engine,
    by: ActingStaff,
    code: String,
    offered: bool,
) -> Result<Catalog, CommandError> {
    let (action, what) = (
        if offered {
            "service_offered"
        } else {
            "service_hidden"
        },
        format!("service {code}"),
    );
    change(engine, by, action, what, move |c, _| {
        let s = c
            .services
            .iter_mut()
            .find(|s| s.code == code)
            .ok_or(Refusal::UnknownService)?;
        s.hidden = !offered;
        Ok(())
    })
    .await
}

/// Removes a service: refused while tickets wait in its line or are served from it, and while a
/// desk still serves it (take it off the desks first).
pub async fn delete_service(
    engine: &Engine,
    by: ActingStaff,
    code: String,
) -> Result<Catalog, CommandError> {
    let what = format!("service {code}");
    change(engine, by, "service_removed", what, move |c, _| {
        let before = c.services.len();
        c.services.retain(|s| s.code != code);
        if c.services.len() == before {
            return Err(Refusal::UnknownService.into());
        }
        if c.desks.iter().any(|d| d.services.contains(&code)) {
            return Err(Refusal::ServiceOnDesk.into());
        }
        c.retention_days.remove(&code);
        Ok(())
    })
    .await
}

/// Adds a desk, or replaces the one with its number (a desk's services may change while someone
/// works at it; its kind may not).
pub async fn put_desk(
    engine: &Engine,
    by: ActingStaff,
    desk: DeskConfig,
) -> Result<Catalog, CommandError> {
    let what = format!("desk {}", desk.id);
    change(engine, by, "desk_saved", what, move |c, _| {
        match c.desks.iter_mut().find(|d| d.id == desk.id) {
            Some(d) => *d = desk,
            None => {
                c.desks.push(desk);
                c.desks.sort_by_key(|d| d.id);
            }
        }
        Ok(())
    })
    .await
}

pub async fn delete_desk(
    engine: &Engine,
    by: ActingStaff,
    id: DeskId,
) -> Result<Catalog, CommandError> {
    change(
        engine,
        by,
        "desk_removed",
        format!("desk {id}"),
        move |c, _| {
            let before = c.desks.len();
            c.desks.retain(|d| d.id != id);
            if c.desks.len() == before {
                return Err(Refusal::UnknownDesk.into());
            }
            Ok(())
        },
    )
    .await
}

/// The branch's names and the consent notice. A notice whose text changed gets a new version
/// (the time of the change), which each consent given from now on records.
pub async fn put_branch(
    engine: &Engine,
    by: ActingStaff,
    names: (String, String),
    notice: (String, String),
) -> Result<Catalog, CommandError> {
    change(
        engine,
        by,
        "branch_saved",
        "names, notice".into(),
        move |c, _| {
            c.name_ar = names.0;
            c.name_en = names.1;
            let n = &mut c.intake_notice;
            if n.ar != notice.0 || n.en != notice.1 {
                n.ar = notice.0;
                n.en = notice.1;
                n.version = new_notice_version(&n.version);
            }
            Ok(())
        },
    )
    .await
}

/// The next version of the notice: its old version with a counter, so the consents of each
/// text can be told apart (`2026-01` → `2026-01.2` → `2026-01.3`).
fn new_notice_version(old: &str) -> String {
    match old.rsplit_once('.') {
        Some((base, n)) if n.parse::<u32>().is_ok() => {
            format!("{base}.{}", n.parse::<u32>().unwrap_or(1) + 1)
        }
        _ => format!("{old}.2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_new_notice_text_gets_the_next_version() {
        assert_eq!(new_notice_version("2026-01"), "2026-01.2");
        assert_eq!(new_notice_version("2026-01.2"), "2026-01.3");
        assert_eq!(new_notice_version("v1.9"), "v1.10");
    }
}
