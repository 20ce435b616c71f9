//! The text of a generated file, held in chunks instead of one buffer.
//!
//! A large generated file (a tier's Terraform, a cost sheet, `ARCHITECTURE.md`) built in one
//! `String` grows by reallocation and is freed in one piece once written. glibc's malloc serves
//! such a block from its own mapping, and freeing it raises the allocator's mmap threshold to
//! its size: every later buffer below that size then comes from the heaps, where freed memory
//! stays resident. At N=1000 the first freed cost sheet raised the threshold to 4 MB, and peak
//! RSS was about 3 MB higher than with the threshold held at its default (measured with
//! `MALLOC_MMAP_THRESHOLD_=131072`, which also holds it). Chunks of [`CHUNK`] bytes stay far
//! below the default threshold, so no file ever raises it.

use std::fmt;
use std::io;

/// The largest chunk, in bytes: a quarter of glibc's default mmap threshold (128 KiB).
pub const CHUNK: usize = 32 * 1024;

/// Text appended to in pieces: a `String` or a [`Text`].
pub trait Buf {
    /// Appends `s`.
    fn push_str(&mut self, s: &str);

    /// Appends `c`.
    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl Buf for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }

    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// A generated file's text: UTF-8 as a whole, stored in chunks of at most [`CHUNK`] bytes (a
/// chunk may end inside a character, so chunks are bytes, not `str`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text {
    chunks: Vec<Vec<u8>>,
    len: usize,
}

impl Text {
    /// Empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunks, in order.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks.iter().map(Vec::as_slice)
    }

    /// Shortens the text to `len` bytes (at a character boundary; no effect if longer).
    pub fn truncate(&mut self, len: usize) {
        while self.len > len {
            let Some(last) = self.chunks.last_mut() else {
                break;
            };
            let keep = last.len().saturating_sub(self.len - len);
            self.len -= last.len() - keep;
            last.truncate(keep);
            if last.is_empty() {
                self.chunks.pop();
            }
        }
    }

    /// The text as one `String`.
    pub fn into_string(self) -> String {
        let mut bytes = Vec::with_capacity(self.len);
        for chunk in self.chunks {
            bytes.extend_from_slice(&chunk);
        }
        // Only whole strings are ever appended, so the bytes are UTF-8.
        String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
    }

    #[inline]
    fn extend(&mut self, bytes: &[u8]) {
        // Most appends are a few bytes that fit the last chunk as it is.
        if let Some(last) = self.chunks.last_mut()
            && last.capacity() - last.len() >= bytes.len()
            && last.len() + bytes.len() <= CHUNK
        {
            last.extend_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.extend_slow(bytes);
    }

    fn extend_slow(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len();
        while !bytes.is_empty() {
            let last = match self.chunks.last_mut() {
                Some(last) if last.len() < CHUNK => last,
                _ => {
                    // The first chunk grows with the text (most files are small); later ones
                    // are allocated whole.
                    let capacity = if self.chunks.is_empty() { 0 } else { CHUNK };
                    self.chunks.push(Vec::with_capacity(capacity));
                    self.chunks.last_mut().expect("just pushed")
                }
            };
            let take = bytes.len().min(CHUNK - last.len());
            if last.capacity() < last.len() + take {
                // Doubling, but never past a chunk.
                let wanted = (last.len() + take).max(last.capacity() * 2).min(CHUNK);
                last.reserve_exact(wanted - last.len());
            }
            last.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
    }
}

impl Buf for Text {
    #[inline]
    fn push_str(&mut self, s: &str) {
        self.extend(s.as_bytes());
    }
}

impl fmt::Write for Text {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.extend(s.as_bytes());
        Ok(())
    }
}

impl io::Write for Text {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.extend(buf);
        Ok(buf.len())
    }

    // Writers (serde_json, Tera) write a few bytes at a time with `write_all`: appended at once
    // instead of through its retry loop.
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.extend(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        let mut out = Self::new();
        out.extend(text.as_bytes());
        out
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        if text.len() <= CHUNK {
            // Small: the string's own buffer becomes the one chunk.
            let len = text.len();
            let chunks = if len == 0 {
                Vec::new()
            } else {
                vec![text.into_bytes()]
            };
            return Self { chunks, len };
        }
        Self::from(text.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.clone().into_string(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::{Buf, CHUNK, Text};
    use std::io::Write as _;

    #[test]
    fn chunks_never_exceed_the_chunk_size_and_join_to_the_text() {
        let mut text = Text::new();
        let mut expected = String::new();
        let piece = "ab\u{e9}\u{1f600}".repeat(997);
        for round in 0..40 {
            if round % 3 == 0 {
                text.write_all(piece.as_bytes()).expect("in memory");
            } else {
                text.push_str(&piece[..round * 8]);
            }
            expected.push_str(if round % 3 == 0 {
                &piece
            } else {
                &piece[..round * 8]
            });
        }
        text.push('\u{e9}');
        expected.push('\u{e9}');
        assert_eq!(text.len(), expected.len());
        assert!(text.chunks().all(|chunk| chunk.len() <= CHUNK));
        assert!(text.chunks.iter().all(|chunk| chunk.capacity() <= CHUNK));
        assert!(text.chunks().count() > 1);
        assert_eq!(text.clone().into_string(), expected);
        let cut = expected.len() - CHUNK - 5;
        let cut = (0..=cut)
            .rev()
            .find(|at| expected.is_char_boundary(*at))
            .expect("boundary");
        text.truncate(cut);
        assert_eq!(text.len(), cut);
        assert_eq!(text.into_string(), expected[..cut]);
    }

    #[test]
    fn a_small_string_becomes_one_chunk_and_a_large_one_is_split() {
        let small = Text::from("x".repeat(CHUNK));
        assert_eq!(small.chunks().count(), 1);
        let large = Text::from("y".repeat(2 * CHUNK + 1));
        assert_eq!(
            large.chunks().map(<[u8]>::len).collect::<Vec<_>>(),
            [CHUNK, CHUNK, 1]
        );
        assert!(Text::from(String::new()).is_empty());
        assert_eq!(Text::from(String::new()).chunks().count(), 0);
    }
}
