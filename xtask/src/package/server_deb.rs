//! Assembling `switchboard-server_<version>_amd64.deb` from the server binary and
//! `crates/server/packaging/` (unit, settings template, maintainer scripts), with
//! `dpkg-deb`; and the tree edits both packages share (md5sums, installed size, packing).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::shell::{self, command};

/// What the package holds, from `crates/server/packaging/`: (source, destination, mode).
const FILES: &[(&str, &str, u32)] = &[
    (
        "crates/server/packaging/switchboard-server.service",
        "lib/systemd/system/switchboard-server.service",
        0o644,
    ),
    (
        "crates/server/packaging/server.env.example",
        "usr/share/switchboard-server/server.env.example",
        0o644,
    ),
    (
        "src-tauri/packaging/copyright",
        "usr/share/doc/switchboard-server/copyright",
        0o644,
    ),
    ("crates/server/packaging/postinst", "DEBIAN/postinst", 0o755),
    ("crates/server/packaging/prerm", "DEBIAN/prerm", 0o755),
    ("crates/server/packaging/postrm", "DEBIAN/postrm", 0o755),
];

const DESCRIPTION: &str = "\
Description: Switchboard platform server (multi-tenant support chat)
 The platform the Switchboard desktop console talks to: a REST API and a
 Socket.IO gateway for support tickets and team chats, with tenant isolation,
 SLA clocks and presence. It keeps its data in SQLite (the default, under
 /var/lib/switchboard) or PostgreSQL, and several nodes share rooms through
 Redis.
 .
 The package runs it as the switchboard-server systemd service, as the
 switchboard system user, with its settings in /etc/switchboard/server.env
 (a fresh JWT secret is written there on install).
";

fn put(source: &Path, destination: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = destination.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(source, destination)
        .with_context(|| format!("cannot copy {}", source.display()))?;
    std::fs::set_permissions(destination, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// Builds the server package from `binary` into `out`, working in `work`.
pub fn assemble(binary: &Path, version: &str, work: &Path, out: &Path) -> Result<PathBuf> {
    let root = crate::workspace_root();
    let tree = work.join("switchboard-server");
    put(binary, &tree.join("usr/bin/switchboard-server"), 0o755)?;
    shell::run(
        command("strip")
            .arg("--strip-unneeded")
            .arg(tree.join("usr/bin/switchboard-server")),
    )?;
    for (source, destination, mode) in FILES {
        put(&root.join(source), &tree.join(destination), *mode)?;
    }
    let changelog = super::changelog("switchboard-server", version, work)?;
    put(
        &changelog,
        &tree.join("usr/share/doc/switchboard-server/changelog.gz"),
        0o644,
    )?;
    let control = format!(
        "Package: switchboard-server\n\
         Version: {version}\n\
         Architecture: amd64\n\
         Maintainer: Switchboard developers <dev@switchboard.invalid>\n\
         Installed-Size: 0\n\
         Depends: libc6 (>= 2.34), adduser, init-system-helpers (>= 1.54~)\n\
         Suggests: postgresql, redis-server\n\
         Section: net\n\
         Priority: optional\n\
         {DESCRIPTION}"
    );
    std::fs::write(tree.join("DEBIAN/control"), control)?;
    write_md5sums(&tree)?;
    set_installed_size(&tree)?;
    let target = out.join(format!("switchboard-server_{version}_amd64.deb"));
    pack(&tree, &target)?;
    Ok(target)
}

/// Every file under `tree` but `DEBIAN/`, relative to it.
fn payload(tree: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![tree.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path == tree.join("DEBIAN") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(tree) {
                files.push(relative.to_path_buf());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `DEBIAN/md5sums` of the payload.
pub fn write_md5sums(tree: &Path) -> Result<()> {
    let files = payload(tree)?;
    let sums =
        shell::output(command("md5sum").args(&files).current_dir(tree)).context("md5sum failed")?;
    std::fs::write(tree.join("DEBIAN/md5sums"), sums)?;
    Ok(())
}

/// Puts the payload's size (KiB) in `DEBIAN/control`'s `Installed-Size`.
pub fn set_installed_size(tree: &Path) -> Result<()> {
    let mut bytes = 0_u64;
    for file in payload(tree)? {
        bytes += std::fs::metadata(tree.join(file))?.len().div_ceil(1024) * 1024;
    }
    let control_path = tree.join("DEBIAN/control");
    let control = std::fs::read_to_string(&control_path)?;
    let updated: Vec<String> = control
        .lines()
        .map(|line| {
            if line.starts_with("Installed-Size:") {
                format!("Installed-Size: {}", bytes / 1024)
            } else {
                line.to_owned()
            }
        })
        .collect();
    std::fs::write(&control_path, updated.join("\n") + "\n")?;
    Ok(())
}

/// Packs `tree` into `target`, every file owned by root.
pub fn pack(tree: &Path, target: &Path) -> Result<()> {
    shell::run(
        command("dpkg-deb")
            .args(["--build", "--root-owner-group", "-Zxz"])
            .arg(tree)
            .arg(target),
    )
}
