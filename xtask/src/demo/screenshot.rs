//! `cargo xtask demo --screenshot FILE`: a PNG of the virtual display a running demo uses
//! when there is no display of its own. The demo writes where its display is
//! (`target/demo/display`); `xwd` (x11-apps, which `cargo xtask setup` installs) dumps the
//! screen, and this turns the dump into a PNG with no image tool needed.

use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, ensure, Context, Result};

use crate::shell::command;

/// Where a running demo writes its virtual display's number and X authority file.
pub const DISPLAY_FILE: &str = "target/demo/display";

/// Writes what the demo's virtual display shows to `file`, as PNG.
pub fn take(file: &Path) -> Result<()> {
    let root = crate::workspace_root();
    let record = std::fs::read_to_string(root.join(DISPLAY_FILE)).context(
        "no demo is running on a virtual display (start `cargo xtask demo` first; with a \
         display of your own, the window is on it)",
    )?;
    let mut lines = record.lines();
    let (Some(display), Some(auth)) = (lines.next(), lines.next()) else {
        bail!("{DISPLAY_FILE} is not what the demo writes; start the demo again");
    };
    let dump = command("xwd")
        .args(["-root", "-silent", "-display", display])
        .env("XAUTHORITY", auth)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run xwd (install x11-apps, or run `cargo xtask setup`)")?;
    ensure!(
        dump.status.success(),
        "xwd could not read display {display} ({}); is the demo still running?",
        dump.status
    );
    let image = Xwd::parse(&dump.stdout)?;
    std::fs::write(file, png(image.width, image.height, &image.rgb))
        .with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "==> {} ({}×{}) written from display {display}",
        file.display(),
        image.width,
        image.height
    );
    Ok(())
}

/// A screen dump in X Window Dump format, as 8-bit RGB.
struct Xwd {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Xwd {
    /// Reads a true-colour ZPixmap dump of 24 or 32 bits per pixel (what Xvfb's 24-bit
    /// screens give); anything else is refused with its numbers.
    fn parse(data: &[u8]) -> Result<Self> {
        let field = |index: usize| -> Result<u32> {
            let at = index * 4;
            let bytes = data
                .get(at..at + 4)
                .context("the screen dump is cut short")?;
            Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        };
        let header_size = field(0)? as usize;
        let (version, format) = (field(1)?, field(2)?);
        let (width, height) = (field(4)?, field(5)?);
        let byte_order = field(7)?;
        let bits_per_pixel = field(11)?;
        let bytes_per_line = field(12)? as usize;
        let masks = [field(14)?, field(15)?, field(16)?];
        let colours = field(19)? as usize;
        ensure!(
            version == 7 && format == 2 && matches!(bits_per_pixel, 24 | 32),
            "a screen dump this cannot read (version {version}, format {format}, \
             {bits_per_pixel} bits per pixel)"
        );
        let start = header_size + colours * 12;
        let pixels = data
            .get(start..start + bytes_per_line * height as usize)
            .context("the screen dump is cut short")?;
        let step = bits_per_pixel as usize / 8;
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for line in pixels.chunks(bytes_per_line) {
            for pixel in line.chunks(step).take(width as usize) {
                let mut word = [0u8; 4];
                word[..step].copy_from_slice(pixel);
                let value = if byte_order == 0 {
                    u32::from_le_bytes(word)
                } else {
                    u32::from_be_bytes(word) >> (8 * (4 - step))
                };
                for mask in masks {
                    rgb.push(channel(value, mask));
                }
            }
        }
        Ok(Self { width, height, rgb })
    }
}

/// The 8-bit value of the colour under `mask` in `pixel`.
fn channel(pixel: u32, mask: u32) -> u8 {
    if mask == 0 {
        return 0;
    }
    let value = (pixel & mask) >> mask.trailing_zeros();
    let bits = (mask >> mask.trailing_zeros()).count_ones();
    if bits >= 8 {
        (value >> (bits - 8)) as u8
    } else {
        ((value * 255) / ((1 << bits) - 1)) as u8
    }
}

/// An 8-bit RGB PNG, its pixels stored without compression (a screenshot is written once
/// and looked at; no compressor needed).
fn png(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(rgb.len() + height as usize);
    for line in rgb.chunks(width as usize * 3) {
        raw.push(0); // no filter
        raw.extend_from_slice(line);
    }
    // zlib: a header, stored deflate blocks of at most 65,535 bytes, the Adler-32.
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (index, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(index + 1 == blocks.len()));
        let length = block.len() as u16;
        zlib.extend_from_slice(&length.to_le_bytes());
        zlib.extend_from_slice(&(!length).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(b"IHDR", header), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        file.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = file.len();
        file.extend_from_slice(kind);
        file.extend_from_slice(&body);
        let crc = crc32(&file[start..]);
        file.extend_from_slice(&crc.to_be_bytes());
    }
    file
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5_552) {
        for byte in chunk {
            a += u32::from(*byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_published_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn a_little_endian_32_bit_dump_becomes_rgb() {
        let mut dump = Vec::new();
        let header: [u32; 25] = [
            100, 7, 2, 24, 2, 1, 0, 0, 32, 0, 32, 32, 8, 4, 0xFF_0000, 0xFF00, 0xFF, 8, 256, 0, 2,
            1, 0, 0, 0,
        ];
        for value in header {
            dump.extend_from_slice(&value.to_be_bytes());
        }
        dump.extend_from_slice(&[0x30, 0x20, 0x10, 0, 0x03, 0x02, 0x01, 0]);
        let image = Xwd::parse(&dump).expect("a dump");
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(image.rgb, [0x10, 0x20, 0x30, 0x01, 0x02, 0x03]);
        let file = png(image.width, image.height, &image.rgb);
        assert!(file.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(file.ends_with(&[0xAE, 0x42, 0x60, 0x82]), "IEND's CRC");
        assert!(Xwd::parse(&dump[..50]).is_err(), "a cut dump is refused");
    }
}
