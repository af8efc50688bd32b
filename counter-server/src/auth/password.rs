//! Staff passwords: Argon2id, PHC strings in storage.
//!
//! Parameters: 7 MiB, 5 passes, 1 lane — one of OWASP's equivalent Argon2id settings (alongside
//! 19 MiB × 2). Stored hashes carry their own parameters, so a later change of these numbers still
//! verifies old hashes.
//!
//! Every hash and check runs on one dedicated thread: a burst of logins queues instead of running
//! side by side. Checks reuse one 7 MiB work area owned by that thread: allocating it afresh for
//! each login left glibc's heap 7 MiB bigger after every login (measured), which is most of what
//! a busy server's memory would otherwise be.

use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

fn argon2() -> Argon2<'static> {
    let params = Params::new(7 * 1024, 5, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A job gets the thread's reusable Argon2 work area.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Runs `f` on the password thread and waits for its answer.
fn on_password_thread<T: Send + 'static>(
    f: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> T {
    static THREAD: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let sender = THREAD.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("argon2".into())
            .spawn(move || {
                let mut work_area = Vec::new();
                for job in rx {
                    job(&mut work_area);
                }
            })
            .expect("spawning the password thread");
        Mutex::new(tx)
    });
    let (reply, answer) = mpsc::channel();
    let job: Job = Box::new(move |work_area| drop(reply.send(f(work_area))));
    sender
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send(job)
        .expect("the password thread runs for the whole process");
    answer
        .recv()
        .expect("the password thread answers every job")
}

pub fn hash_password(password: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt");
    let password = password.to_string();
    on_password_thread(move |_| {
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .expect("Argon2id hashing")
            .to_string()
    })
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_string(), phc.to_string());
    on_password_thread(move |work_area| check(&password, &phc, work_area).unwrap_or(false))
}

/// Recomputes the hash with the stored salt and parameters in the reused work area, and compares
/// it in constant time. `None` when the stored string is not a valid Argon2 PHC string.
fn check(password: &str, phc: &str, work_area: &mut Vec<Block>) -> Option<bool> {
    let stored = PasswordHash::new(phc).ok()?;
    let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
    let version = stored
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .ok()?;
    let params = Params::try_from(&stored).ok()?;
    let expected = stored.hash?;
    let mut salt = [0u8; 64];
    let salt = stored.salt?.decode_b64(&mut salt).ok()?;
    let mut out = vec![0u8; expected.len()];
    work_area.resize(params.block_count(), Block::default());
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut work_area[..])
        .ok()?;
    // `Output`'s equality is constant-time.
    Some(Output::new(&out).ok()? == expected)
}

/// Spends the same time as a real check, so an unknown username is not faster to reject.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("not a real password"));
    let _ = verify_password(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }
}
