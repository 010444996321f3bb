//! The msgpack a DocBin needs: an encoder of maps, lists, strings, bytes,
//! whole numbers and booleans as srsly (spaCy's serializer) writes them
//! (`use_bin_type`), and a decoder of any msgpack that never trusts a
//! declared length.
//!
//! Owns: msgpack's bytes, both ways. Must not touch: what a DocBin's fields
//! mean (`read` and `write` beside it), or anything outside this buffer.

/// A decoded value borrowing its strings and bytes from the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Nil,
    Bool(bool),
    /// A non-negative whole number.
    Uint(u64),
    /// A negative whole number.
    Int(i64),
    Float(f64),
    /// A string's bytes (UTF-8 when read as text, [`Value::as_str`]).
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(Vec<Value<'a>>),
    Map(Vec<(Value<'a>, Value<'a>)>),
    Ext(i8, &'a [u8]),
}

impl<'a> Value<'a> {
    /// What the value is, for messages: `a map`, `a string`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "a boolean",
            Value::Uint(_) | Value::Int(_) => "a number",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Bin(_) => "bytes",
            Value::Array(_) => "a list",
            Value::Map(_) => "a map",
            Value::Ext(..) => "an extension value",
        }
    }

    /// A string that is valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Value::Str(s) => std::str::from_utf8(s).ok(),
            _ => None,
        }
    }

    /// Bytes, or a string's bytes (older writers put bytes in strings).
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self {
            Value::Bin(b) | Value::Str(b) => Some(b),
            _ => None,
        }
    }

    /// A non-negative whole number.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Uint(n) => Some(*n),
            _ => None,
        }
    }

    /// The items of a list.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map, in the file's order.
    pub fn as_map(&self) -> Option<&[(Value<'a>, Value<'a>)]> {
        match self {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under a string key of a map.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// A short rendering for reports: strings quoted, containers counted.
    pub fn display(&self) -> String {
        match self {
            Value::Nil => "None".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Uint(n) => n.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            Value::Bin(b) => format!("{} bytes", b.len()),
            Value::Array(items) if items.len() <= 4 => {
                format!("({})", items.iter().map(Value::display).collect::<Vec<_>>().join(", "))
            }
            Value::Array(items) => format!("a list of {}", items.len()),
            Value::Map(entries) => format!("a map of {}", entries.len()),
            Value::Ext(t, b) => format!("extension {t} ({} bytes)", b.len()),
        }
    }
}

/// Why some bytes are not msgpack, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the decoded input.
    pub at: usize,
    /// What is wrong there.
    pub message: String,
}

/// How deep lists and maps may nest (a hostile file could otherwise
/// exhaust the stack).
const MAX_DEPTH: usize = 100;

/// Decodes one value that fills `bytes` exactly.
pub fn decode(bytes: &[u8]) -> Result<Value<'_>, DecodeError> {
    let mut r = Reader { bytes, pos: 0 };
    let v = r.value(0)?;
    if r.pos != bytes.len() {
        return Err(DecodeError { at: r.pos, message: format!("{} bytes after the end of the value", bytes.len() - r.pos) });
    }
    Ok(v)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, at: usize, message: impl Into<String>) -> Result<T, DecodeError> {
        Err(DecodeError { at, message: message.into() })
    }

    /// The next `n` bytes; an error, before anything is allocated, when
    /// fewer remain.
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let rest = self.bytes.len() - self.pos;
        match self.pos.checked_add(n).and_then(|end| self.bytes.get(self.pos..end)) {
            Some(b) => {
                self.pos += n;
                Ok(b)
            }
            None => self.fail(self.pos, format!("the data ends: {n} bytes wanted, {rest} left")),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let b = self.take(N)?;
        let mut out = [0; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    fn uint(&mut self, size: usize) -> Result<u64, DecodeError> {
        Ok(match size {
            1 => u64::from(self.array::<1>()?[0]),
            2 => u64::from(u16::from_be_bytes(self.array()?)),
            4 => u64::from(u32::from_be_bytes(self.array()?)),
            _ => u64::from_be_bytes(self.array()?),
        })
    }

    fn len(&mut self, size: usize) -> Result<usize, DecodeError> {
        let at = self.pos;
        let n = self.uint(size)?;
        usize::try_from(n).or_else(|_| self.fail(at, format!("length {n} is too large")))
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, DecodeError> {
        let at = self.pos;
        if depth > MAX_DEPTH {
            return self.fail(at, format!("lists and maps nest deeper than {MAX_DEPTH}"));
        }
        let marker = self.array::<1>()?[0];
        Ok(match marker {
            0x00..=0x7f => Value::Uint(u64::from(marker)),
            0x80..=0x8f => self.map(usize::from(marker & 0x0f), depth)?,
            0x90..=0x9f => self.list(usize::from(marker & 0x0f), depth)?,
            0xa0..=0xbf => Value::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(1 << (marker - 0xc4))?;
                Value::Bin(self.take(n)?)
            }
            0xc7..=0xc9 => {
                let n = self.len(1 << (marker - 0xc7))?;
                let t = self.array::<1>()?[0] as i8;
                Value::Ext(t, self.take(n)?)
            }
            0xca => Value::Float(f64::from(f32::from_be_bytes(self.array()?))),
            0xcb => Value::Float(f64::from_be_bytes(self.array()?)),
            0xcc..=0xcf => Value::Uint(self.uint(1 << (marker - 0xcc))?),
            0xd0 => int(i64::from(i8::from_be_bytes(self.array()?))),
            0xd1 => int(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => int(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => int(i64::from_be_bytes(self.array()?)),
            0xd4..=0xd8 => {
                let t = self.array::<1>()?[0] as i8;
                Value::Ext(t, self.take(1 << (marker - 0xd4))?)
            }
            0xd9..=0xdb => {
                let n = self.len(1 << (marker - 0xd9))?;
                Value::Str(self.take(n)?)
            }
            0xdc..=0xdd => {
                let n = self.len(2 << (marker - 0xdc))?;
                self.list(n, depth)?
            }
            0xde..=0xdf => {
                let n = self.len(2 << (marker - 0xde))?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Value::Int(i64::from(marker as i8)),
            0xc1 => return self.fail(at, "byte 0xc1 is never used in msgpack"),
        })
    }

    fn list(&mut self, n: usize, depth: usize) -> Result<Value<'a>, DecodeError> {
        // Every item takes at least one byte.
        if n > self.bytes.len() - self.pos {
            return self.fail(self.pos, format!("a list of {n} items in {} bytes", self.bytes.len() - self.pos));
        }
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Value<'a>, DecodeError> {
        if n.saturating_mul(2) > self.bytes.len() - self.pos {
            return self.fail(self.pos, format!("a map of {n} entries in {} bytes", self.bytes.len() - self.pos));
        }
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let v = self.value(depth + 1)?;
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

/// A signed number: `Uint` when it is not negative, as srsly reads it.
fn int(n: i64) -> Value<'static> {
    match u64::try_from(n) {
        Ok(u) => Value::Uint(u),
        Err(_) => Value::Int(n),
    }
}

/// An encoder, one call a value; containers take their length first.
#[derive(Default)]
pub struct Pack {
    out: Vec<u8>,
}

impl Pack {
    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// A length that the caller keeps within `u32` (the writer checks
    /// the token table, by far the largest value).
    fn len32(n: usize) -> u32 {
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn head(&mut self, n: usize, fix: Option<(u8, usize)>, m16: u8, m32: u8, m8: Option<u8>) {
        match (fix, m8) {
            (Some((base, max)), _) if n <= max => self.out.push(base | n as u8),
            (_, Some(m8)) if n <= 0xff => self.out.extend_from_slice(&[m8, n as u8]),
            _ if n <= 0xffff => {
                self.out.push(m16);
                self.out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            _ => {
                self.out.push(m32);
                self.out.extend_from_slice(&Self::len32(n).to_be_bytes());
            }
        }
    }

    /// A map of `n` entries: `n` keys and values follow.
    pub fn map(&mut self, n: usize) {
        self.head(n, Some((0x80, 15)), 0xde, 0xdf, None);
    }

    /// A list of `n` items follows.
    pub fn array(&mut self, n: usize) {
        self.head(n, Some((0x90, 15)), 0xdc, 0xdd, None);
    }

    /// A string (`str 8` and up: srsly's `use_bin_type`).
    pub fn str(&mut self, s: &str) {
        self.head(s.len(), Some((0xa0, 31)), 0xda, 0xdb, Some(0xd9));
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Bytes.
    pub fn bin(&mut self, b: &[u8]) {
        self.head(b.len(), None, 0xc5, 0xc6, Some(0xc4));
        self.out.extend_from_slice(b);
    }

    /// A whole number, in the fewest bytes.
    pub fn uint(&mut self, n: u64) {
        if n <= 0x7f {
            self.out.push(n as u8);
        } else if n <= 0xff {
            self.out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            self.out.push(0xcd);
            self.out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            self.out.push(0xce);
            self.out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            self.out.push(0xcf);
            self.out.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// A boolean.
    pub fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn msgpack_encoding_matches_srsly() {
        // Printed by `srsly.msgpack_dumps(...).hex()`.
        let pack = |f: &dyn Fn(&mut Pack)| {
            let mut p = Pack::default();
            f(&mut p);
            p.into_bytes()
        };
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(pack(&|p| {
                p.map(1);
                p.str("a");
                p.bin(b"x");
            })),
            "81a161c40178"
        );
        assert_eq!(hex(pack(&|p| p.str(&"x".repeat(40)))), format!("d928{}", "78".repeat(40)));
        assert_eq!(
            hex(pack(&|p| {
                p.array(16);
                for _ in 0..16 {
                    p.uint(1);
                }
            })),
            format!("dc0010{}", "01".repeat(16))
        );
        for (n, h) in [(127, "7f"), (128, "cc80"), (300, "cd012c"), (70000, "ce00011170"), (1 << 40, "cf0000010000000000")] {
            assert_eq!(hex(pack(&|p| p.uint(n))), h, "{n}");
        }
        assert_eq!(hex(pack(&|p| p.bool(true))), "c3");
        assert_eq!(hex(pack(&|p| p.map(0))), "80");
        assert_eq!(hex(pack(&|p| p.array(0))), "90");
        assert!(hex(pack(&|p| p.bin(&[b'y'; 300]))).starts_with("c5012c79"));
        assert!(hex(pack(&|p| p.str(&"é".repeat(200)))).starts_with("da0190c3"));
        assert_eq!(
            hex(pack(&|p| {
                p.map(1);
                p.str("spanlab");
                p.map(1);
                p.str("id");
                p.str("d1");
            })),
            "81a77370616e6c616281a26964a26431"
        );
    }

    #[test]
    fn msgpack_decoding_reads_what_srsly_writes() {
        let bytes = |h: &str| (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
        let cases: Vec<(&str, Value)> = vec![
            ("81a161c40178", Value::Map(vec![(Value::Str(b"a"), Value::Bin(b"x"))])),
            ("fb", Value::Int(-5)),
            ("d1ff38", Value::Int(-200)),
            ("d2ffff63c0", Value::Int(-40000)),
            ("cb3ff8000000000000", Value::Float(1.5)),
            ("c0", Value::Nil),
            ("c2", Value::Bool(false)),
            ("cf0000010000000000", Value::Uint(1 << 40)),
            ("d005", Value::Uint(5)),
            ("d6ff00000001", Value::Ext(-1, &[0, 0, 0, 1])),
        ];
        for (h, want) in cases {
            assert_eq!(decode(&bytes(h)).unwrap(), want, "{h}");
        }
        let map = bytes("82a474797065a3504552a2696491cd012c");
        let v = decode(&map).unwrap();
        assert_eq!(v.get("type").and_then(Value::as_str), Some("PER"));
        assert_eq!(v.get("id").and_then(Value::as_array).map(|a| a.to_vec()), Some(vec![Value::Uint(300)]));
    }

    #[test]
    fn msgpack_refuses_hostile_input() {
        let mut p = Pack::default();
        p.map(2);
        p.str("tokens");
        p.bin(&[1, 2, 3, 4, 5]);
        p.str("strings");
        p.array(2);
        p.str("Paris");
        p.uint(1 << 33);
        let good = p.into_bytes();
        assert!(decode(&good).is_ok());
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err(), "truncated at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(decode(&trailing).unwrap_err().at, good.len());
        // Declared lengths far past the data: refused before allocating.
        for h in [&[0xddu8, 0xff, 0xff, 0xff, 0xff][..], &[0xdf, 0xff, 0xff, 0xff, 0xff], &[0xc6, 0xff, 0xff, 0xff, 0xff, 0]] {
            let e = decode(h).unwrap_err();
            assert!(e.message.contains("bytes") || e.message.contains("ends"), "{e:?}");
        }
        assert!(decode(&[0xc1]).is_err());
        assert!(decode(&[]).is_err());
        let deep = vec![0x91u8; 100_000];
        assert!(decode(&deep).unwrap_err().message.contains("nest"));
    }

    proptest! {
        #[test]
        fn msgpack_round_trips(items in proptest::collection::vec((any::<u64>(), ".{0,40}", proptest::collection::vec(any::<u8>(), 0..300)), 0..40)) {
            let mut p = Pack::default();
            p.array(items.len());
            for (n, s, b) in &items {
                p.map(3);
                p.str("n");
                p.uint(*n);
                p.str(&format!("s:{s}"));
                p.bin(b);
                p.str("ok");
                p.bool(*n % 2 == 0);
            }
            let bytes = p.into_bytes();
            let v = decode(&bytes).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let list = v.as_array().unwrap();
            prop_assert_eq!(list.len(), items.len());
            for (got, (n, s, b)) in list.iter().zip(&items) {
                prop_assert_eq!(got.get("n").and_then(Value::as_u64), Some(*n));
                prop_assert_eq!(got.get(&format!("s:{s}")).and_then(Value::as_bytes), Some(b.as_slice()));
                prop_assert_eq!(got.get("ok"), Some(&Value::Bool(*n % 2 == 0)));
            }
        }

        #[test]
        fn msgpack_decoding_random_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
        }
    }
}
