//! Decoding article bytes to text: UTF-8 with or without BOM, UTF-16 with
//! BOM, and legacy single-byte encodings (Windows-1252/Latin-1 and others)
//! detected with chardetng. Line endings are kept as they are.

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

/// Decodes a file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            return Err(DecodeError::Malformed { encoding: encoding.name().to_owned(), offset: first_error(encoding, body) + bom_len });
        }
        return Ok(Decoded { text: text.into_owned(), encoding: format!("{} (BOM)", encoding.name()) });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            if let Some(nul) = s.find('\0') {
                return Err(DecodeError::Binary(nul));
            }
            Ok(Decoded { text: s.to_owned(), encoding: "UTF-8".to_owned() })
        }
        Err(e) => {
            if let Some(nul) = bytes.iter().position(|&b| b == 0) {
                return Err(DecodeError::Binary(nul));
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
    fn a_leading_feff_survives_a_write() {
        let t = "\u{feff}texte";
        assert_eq!(decode(&encode_for_file(t)).expect("decodes").text, t);
    }
}
