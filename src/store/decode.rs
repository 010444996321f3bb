//! Decoding article bytes to text: UTF-8 with or without BOM, UTF-32 with
//! BOM (whose little-endian BOM starts like UTF-16's), UTF-16 with
//! BOM (and without one, when every other byte of a mostly Latin text is
//! zero), and legacy single-byte encodings (Windows-1252/Latin-1 and others)
//! detected with chardetng. A file that is UTF-8 but for a few broken bytes
//! is refused (naming the first), not read as a legacy encoding, which would
//! turn every accented letter into two. Line endings are kept as they are.

/// A decoded text and the encoding it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE (BOM)`, `windows-1252 (detected)`, …
    pub encoding: String,
}

/// Why bytes are not a text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("looks like a binary file (NUL byte at byte {0})")]
    Binary(usize),
    #[error("invalid {encoding} at byte {offset}")]
    Malformed { encoding: String, offset: usize },
}

/// [`decode`] taking the bytes: a UTF-8 file (the usual case) becomes its
/// text without a copy, so a 200 MB article needs 200 MB, not 400.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    let plain_utf8 = !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && encoding_rs::Encoding::for_bom(&bytes).is_none()
        && utf32_with_bom(&bytes).is_none()
        && !bytes.contains(&0);
    if plain_utf8 {
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded { text, encoding: "UTF-8".to_owned() }),
            Err(e) => decode(e.as_bytes()),
        };
    }
    decode(&bytes)
}

/// Decodes a file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // Before UTF-16: `FF FE 00 00` is UTF-32LE's BOM, not UTF-16LE's and a NUL.
    if let Some(d) = utf32_with_bom(bytes) {
        return d;
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            return Err(DecodeError::Malformed { encoding: encoding.name().to_owned(), offset: first_error(encoding, body) + bom_len });
        }
        return Ok(Decoded { text: text.into_owned(), encoding: format!("{} (BOM)", encoding.name()) });
    }
    // `contains` is a fast memchr; the position is only wanted when it is there.
    if bytes.contains(&0) {
        let nul = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        return utf16_without_bom(bytes).ok_or(DecodeError::Binary(nul));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded { text: s.to_owned(), encoding: "UTF-8".to_owned() }),
        Err(e) => {
            if mostly_utf8(bytes) {
                return Err(DecodeError::Malformed { encoding: "UTF-8".to_owned(), offset: e.valid_up_to() });
            }
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
            if encoding == encoding_rs::UTF_8 {
                return Err(DecodeError::Malformed { encoding: "UTF-8".to_owned(), offset: e.valid_up_to() });
            }
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(DecodeError::Malformed { encoding: encoding.name().to_owned(), offset: first_error(encoding, bytes) });
            }
            Ok(Decoded { text: text.into_owned(), encoding: format!("{} (detected)", encoding.name()) })
        }
    }
}

/// UTF-32 with a byte order mark (`FF FE 00 00` little-endian, `00 00 FE
/// FF` big-endian), which encoding_rs does not read; `None` without one.
fn utf32_with_bom(bytes: &[u8]) -> Option<Result<Decoded, DecodeError>> {
    let (little, name) = match bytes.get(..4)? {
        [0xFF, 0xFE, 0, 0] => (true, "UTF-32LE (BOM)"),
        [0, 0, 0xFE, 0xFF] => (false, "UTF-32BE (BOM)"),
        _ => return None,
    };
    let mut text = String::with_capacity(bytes.len() / 4);
    for (i, unit) in bytes.chunks(4).enumerate().skip(1) {
        let offset = i * 4;
        let malformed = || DecodeError::Malformed { encoding: name.trim_end_matches(" (BOM)").to_owned(), offset };
        let Ok(unit) = <[u8; 4]>::try_from(unit) else { return Some(Err(malformed())) };
        let n = if little { u32::from_le_bytes(unit) } else { u32::from_be_bytes(unit) };
        match char::from_u32(n) {
            Some('\0') => return Some(Err(DecodeError::Binary(offset))),
            Some(c) => text.push(c),
            None => return Some(Err(malformed())),
        }
    }
    Some(Ok(Decoded { text, encoding: name.to_owned() }))
}

/// UTF-16 without a byte order mark, recognised by its zero bytes: in a
/// text of mostly Latin script, one byte of each unit is zero, always the
/// high one (the odd bytes in UTF-16LE, the even ones in UTF-16BE). `None`
/// when the bytes do not look so, or do not decode to text without control
/// characters.
fn utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.len() / 2;
    let zeros_even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let encoding = if zeros_even == 0 && zeros_odd * 4 >= units {
        encoding_rs::UTF_16LE
    } else if zeros_odd == 0 && zeros_even * 4 >= units {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors || text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) {
        return None;
    }
    Some(Decoded { text: text.into_owned(), encoding: format!("{} (detected)", encoding.name()) })
}

/// True when bytes that are not valid UTF-8 still hold more valid non-ASCII
/// UTF-8 characters than broken sequences: a UTF-8 file damaged in places,
/// not a legacy encoding (where a valid UTF-8 sequence is a rare accident).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut broken) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        broken += usize::from(!chunk.invalid().is_empty());
    }
    valid > broken
}

fn first_error(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(64);
    let mut read = 0;
    loop {
        out.clear();
        let end = (read + 16).min(bytes.len());
        let (result, n) = decoder.decode_to_string_without_replacement(&bytes[read..end], &mut out, end == bytes.len());
        match result {
            encoding_rs::DecoderResult::Malformed(bad, _) => {
                return (read + n).saturating_sub(bad as usize);
            }
            _ if end == bytes.len() => return bytes.len(),
            _ => read += n,
        }
    }
}

/// Encodes text so that [`decode`] gives it back exactly: UTF-8, with a BOM
/// added when the text itself starts with U+FEFF (which would otherwise be
/// taken for one).
pub fn encode_for_file(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if text.starts_with('\u{feff}') {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_keeps_crlf() {
        let d = decode(b"a\r\nb").expect("utf8");
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("a\r\nb", "UTF-8"));
        let d = decode(b"\xEF\xBB\xBFh\xC3\xA9").expect("bom");
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("hé", "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "Zoë 😀".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).expect("utf16le").text, "Zoë 😀");
        let mut be = vec![0xFE, 0xFF];
        for u in "été".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&be).expect("utf16be");
        assert_eq!((d.text.as_str(), d.encoding.as_str()), ("été", "UTF-16BE (BOM)"));
    }

    /// D17: UTF-32 with a BOM was read as UTF-16 with NULs between the letters.
    #[test]
    fn d17_utf32_with_a_bom_is_read() {
        let text = "Zoë à Pékin 😀\r\n";
        let mut le = vec![0xFF, 0xFE, 0, 0];
        le.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        let d = decode(&le).expect("utf32le");
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "UTF-32LE (BOM)"));
        let mut be = vec![0, 0, 0xFE, 0xFF];
        be.extend(text.chars().flat_map(|c| (c as u32).to_be_bytes()));
        assert_eq!(decode(&be).expect("utf32be").text, text);
        let mut torn = le.clone();
        torn.pop();
        assert!(matches!(decode(&torn), Err(DecodeError::Malformed { offset, .. }) if offset == le.len() - 4));
        let mut surrogate = vec![0xFF, 0xFE, 0, 0];
        surrogate.extend(0xD800u32.to_le_bytes());
        assert_eq!(decode(&surrogate), Err(DecodeError::Malformed { encoding: "UTF-32LE".into(), offset: 4 }));
        // UTF-16LE text starting with a NUL character is binary either way.
        assert!(decode(&[0xFF, 0xFE, 0, 0, b'a', 0]).is_err());
    }

    #[test]
    fn windows_1252_is_detected() {
        let bytes = b"Le pr\xe9sident a d\xe9clar\xe9 \xe0 l'\xe9t\xe9 : 5 \x80, \xab bient\xf4t \xbb.";
        let d = decode(bytes).expect("cp1252");
        assert!(d.text.contains("président") && d.text.contains('€') && d.text.contains('«'), "{}", d.text);
        assert!(d.encoding.starts_with("windows-1252"), "{}", d.encoding);
    }

    #[test]
    fn binary_and_broken_input_is_refused_with_a_place() {
        assert_eq!(decode(b"ab\0cd"), Err(DecodeError::Binary(2)));
        assert!(matches!(decode(b"\xFF\xFEa"), Err(DecodeError::Malformed { .. })), "odd UTF-16 length");
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_zero_bytes() {
        let text = "Le président à Pékin\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&le).expect("utf16le");
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (text, "UTF-16LE (detected)"));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).expect("utf16be").text, text);
        assert_eq!(decode(b"a\0b\0\0\0"), Err(DecodeError::Binary(1)), "a NUL character is not text");
    }

    #[test]
    fn utf8_with_a_broken_byte_is_refused_not_read_as_a_legacy_encoding() {
        assert_eq!(
            decode("Pékin, été, à Noël".as_bytes().iter().copied().chain([0xff, b'.']).collect::<Vec<_>>().as_slice()),
            Err(DecodeError::Malformed { encoding: "UTF-8".into(), offset: 23 })
        );
    }

    #[test]
    fn a_leading_feff_survives_a_write() {
        let t = "\u{feff}texte";
        assert_eq!(decode(&encode_for_file(t)).expect("decodes").text, t);
    }
}
