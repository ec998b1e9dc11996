//! Small, valid image files written in code for the profile pictures: a PNG (RGB, its
//! pixel rows stored in uncompressed deflate blocks) and a baseline JPEG (grey, every
//! 8x8 block the flat mid-grey that the shortest Huffman codes give). Both are a pure
//! function of their arguments, so a picture is the same on every read.

/// A `side` x `side` PNG whose colours follow `seed`: two diagonal bands.
pub(crate) fn png(side: u32, seed: u64) -> Vec<u8> {
    let [r, g, b, ..] = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes();
    let side_px = side as usize;
    let mut rows = Vec::with_capacity(side_px * (1 + 3 * side_px));
    for y in 0..side_px {
        // Filter type 0 (none) before every row.
        rows.push(0);
        for x in 0..side_px {
            let band = ((x + y) / 4) % 2 == 0;
            rows.extend_from_slice(&if band { [r, g, b] } else { [!r, !g, !b] });
        }
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    // 8 bits per sample, colour type 2 (RGB), deflate, adaptive filters, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &header);
    png_chunk(&mut out, b"IDAT", &zlib_stored(&rows));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A `side` x `side` grey baseline JPEG carrying `comment` in a COM segment.
pub(crate) fn jpeg(side: u16, comment: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xd8];
    jpeg_segment(&mut out, 0xfe, comment.as_bytes());
    // One quantisation table of ones.
    let mut table = vec![0u8];
    table.extend_from_slice(&[1; 64]);
    jpeg_segment(&mut out, 0xdb, &table);
    let [high, low] = side.to_be_bytes();
    // 8-bit samples, height, width, one component (id 1, no subsampling, table 0).
    jpeg_segment(&mut out, 0xc0, &[8, high, low, high, low, 1, 1, 0x11, 0]);
    // One code each, of length 1: DC difference category 0, and AC end-of-block.
    for class in [0x00, 0x10] {
        let mut huffman = vec![class, 1];
        huffman.extend_from_slice(&[0; 15]);
        huffman.push(0);
        jpeg_segment(&mut out, 0xc4, &huffman);
    }
    jpeg_segment(&mut out, 0xda, &[1, 1, 0x00, 0, 63, 0]);
    // Every block is the two 1-bit codes "0" "0"; the last byte is padded with ones.
    let blocks = usize::from(side.div_ceil(8)).pow(2);
    let bits = 2 * blocks;
    let mut scan = vec![0u8; bits.div_ceil(8)];
    if bits % 8 != 0 {
        if let Some(last) = scan.last_mut() {
            *last = 0xff >> (bits % 8);
        }
    }
    out.extend_from_slice(&scan);
    out.extend_from_slice(&[0xff, 0xd9]);
    out
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// `data` in a zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(usize::from(u16::MAX)).collect();
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    for (index, block) in blocks.iter().enumerate() {
        let last = u8::from(index + 1 == blocks.len());
        let len = block.len() as u16;
        out.push(last);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn jpeg_segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
    out.extend_from_slice(&[0xff, marker]);
    out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(data);
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_published_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn pngs_have_their_size_and_differ_by_seed() {
        let picture = png(40, 7);
        assert!(picture.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&picture[16..24], &[0, 0, 0, 40, 0, 0, 0, 40]);
        assert!(picture.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND's CRC");
        assert_eq!(picture, png(40, 7));
        assert_ne!(picture, png(40, 8));
    }

    #[test]
    fn large_pngs_span_several_stored_blocks() {
        let rows = 200 * (1 + 3 * 200);
        let stream = zlib_stored(&vec![0; rows]);
        let blocks = rows.div_ceil(usize::from(u16::MAX));
        assert_eq!(stream.len(), 2 + 5 * blocks + rows + 4);
    }

    #[test]
    fn jpegs_have_their_size_and_end_their_scan() {
        let picture = jpeg(20, "employee 1");
        assert!(picture.starts_with(&[0xff, 0xd8, 0xff, 0xfe]));
        assert!(picture.ends_with(&[0xff, 0xd9]));
        let sof = picture.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
        assert_eq!(&picture[sof + 5..sof + 9], &[0, 20, 0, 20]);
        // 3 x 3 blocks of 2 bits: 18 bits, in 3 bytes, the last padded with ones.
        let eoi = picture.len() - 2;
        assert_eq!(&picture[eoi - 3..eoi], &[0, 0, 0x3f]);
    }
}
