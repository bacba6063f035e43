//! Sync files under a passphrase on the command line: the envelope is the
//! domain's (`domain::bundle::sealed`); the key is PBKDF2-HMAC-SHA-256 and
//! the cipher AES-256-GCM, from the RustCrypto crates, as Web Crypto does in
//! the browser, so a file either side seals the other opens.

use super::Failure;
use crate::domain::bundle::sealed::{
    chosen_passphrase, looks_sealed, Sealed, SealedProblem, ITERATIONS, IV_BYTES,
    MIN_PASSPHRASE_CHARS, SALT_BYTES, SEALED_FORMAT,
};
use crate::domain::bundle::stream::parse_stream;
use crate::domain::bundle::{gzip, Bundle, BundleError};
use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::Utc;
use std::path::Path;

/// Where the CLI takes the passphrase from: an environment variable, so it
/// stays out of the shell's history and the process list.
pub const PASSPHRASE_VAR: &str = "GRIDCARE_PASSPHRASE";

fn cipher(passphrase: &str, salt: &[u8], iterations: u32) -> Aes256Gcm {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, iterations, &mut key);
    Aes256Gcm::new(&key.into())
}

/// The file inside `sealed`, if `passphrase` is the one it was sealed with.
pub fn open(sealed: &Sealed, passphrase: &str) -> Result<Vec<u8>, BundleError> {
    cipher(passphrase, &sealed.salt, sealed.iterations)
        .decrypt(Nonce::from_slice(&sealed.iv), sealed.ciphertext.as_slice())
        // GCM's tag refuses a wrong key and changed bytes alike.
        .map_err(|_| BundleError::Sealed(SealedProblem::WrongPassphrase))
}

/// `bytes` sealed under `passphrase`, with a fresh salt and IV.
pub fn seal(bytes: &[u8], passphrase: &str) -> Sealed {
    let mut salt = vec![0u8; SALT_BYTES];
    let mut iv = vec![0u8; IV_BYTES];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let ciphertext = cipher(passphrase, &salt, ITERATIONS)
        .encrypt(Nonce::from_slice(&iv), bytes)
        .expect("AES-GCM seals any file that fits in memory");
    Sealed {
        salt,
        iterations: ITERATIONS,
        iv,
        ciphertext,
    }
}

fn passphrase() -> Option<String> {
    std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty())
}

/// A sync file's text as written by its device: a compressed file is
/// unpacked and a protected one opened with the passphrase in
/// `GRIDCARE_PASSPHRASE` (and unpacked, when what it protects is compressed).
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    let failed = |e: &dyn std::fmt::Display| Failure(format!("{}: {e}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| failed(&e))?;
    let bytes = gzip::unpacked(bytes).map_err(|e| failed(&e))?;
    if !looks_sealed(&bytes) {
        return Ok(bytes);
    }
    let sealed = Sealed::parse(&bytes).map_err(|e| failed(&e))?;
    let Some(passphrase) = passphrase() else {
        return Err(Failure(format!(
            "{}: the file is protected with a passphrase; set {PASSPHRASE_VAR} to the one it was exported with",
            path.display(),
        )));
    };
    let opened = open(&sealed, &passphrase).map_err(|e| failed(&e))?;
    gzip::unpacked(opened).map_err(|e| failed(&e))
}

/// Reads and checks one sync file, protected or not. A plain or gzip file
/// is read as a stream (`bundle::stream`), never whole: only a protected
/// one, which must be opened whole, is read into memory.
pub fn read_bundle(path: &Path) -> Result<Bundle, Failure> {
    let failed = |e: &dyn std::fmt::Display| Failure(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| failed(&e))?;
    let streamed = parse_stream(file, Utc::now()).map_err(|e| failed(&e))?;
    match streamed {
        Err(BundleError::WrongFormat { found }) if found == SEALED_FORMAT => {
            let bytes = file_bytes(path)?;
            Bundle::parse_bytes(&bytes, Utc::now()).map_err(|e| failed(&e))
        }
        other => other.map_err(|e| failed(&e)),
    }
}

#[derive(clap::Args)]
pub struct SealArgs {
    /// The sync file to protect (checked first: a damaged file is not sealed).
    file: std::path::PathBuf,
    #[arg(short, long)]
    output: std::path::PathBuf,
}

/// `gridcare seal FILE -o OUT`: a protected copy of a checked file.
pub fn seal_file(args: SealArgs) -> Result<std::process::ExitCode, Failure> {
    let Some(passphrase) = passphrase() else {
        return Err(Failure(format!(
            "set {PASSPHRASE_VAR} to the passphrase (at least {MIN_PASSPHRASE_CHARS} characters)"
        )));
    };
    if chosen_passphrase(&passphrase, &passphrase).is_err() {
        return Err(Failure(format!(
            "the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"
        )));
    }
    let bytes = file_bytes(&args.file)?;
    let bundle = Bundle::parse_bytes(&bytes, Utc::now())
        .map_err(|e| Failure(format!("{}: {e}", args.file.display())))?;
    // Compressed first: what is encrypted no longer compresses.
    std::fs::write(
        &args.output,
        seal(&gzip::gzip(&bytes), &passphrase).to_json(),
    )
    .map_err(|e| Failure(format!("{}: {e}", args.output.display())))?;
    eprintln!(
        "{} events protected in {}",
        bundle.events.len(),
        args.output.display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}
