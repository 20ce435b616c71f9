//! A fast, conservative recognizer for the HCL archgen renders.
//!
//! Every generated `.tf` is checked before it is written, and hcl-edit's parser (which builds a
//! full, decorated syntax tree) was a quarter of the time of a large run. This recognizer walks
//! the text once without allocating and answers *certainly valid* or *not sure*: it knows a
//! subset of the native syntax (bodies of attributes and blocks; literals, quoted templates with
//! `${}` interpolations, tuples, objects, function calls, traversals, splats, operators,
//! conditionals and `for` expressions). Anything else, such as heredocs, `%{}` directives,
//! non-ASCII identifiers, unusual escapes or a newline inside an interpolation, is *not sure*,
//! and the caller falls back to hcl-edit, which also gives the error message. So the recognizer
//! may only ever accept text hcl-edit accepts: `tests/hclcheck.rs` checks that on every
//! generated file and on many mutations of them.

use std::collections::BTreeSet;

/// Whether `text` is certainly a valid HCL body. `false` means "ask the real parser".
pub fn certainly_valid(text: &str) -> bool {
    resources(text).is_some()
}

/// When `text` is certainly a valid HCL body: `type.name` of each of its top-level
/// `resource "type" "name"` blocks (plain labels only, as
/// [`super::hclfmt::resource_addresses`] finds them), read in the same pass. `None` means
/// "ask the real parser".
pub fn resources(text: &str) -> Option<Vec<String>> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
        resources: Vec::new(),
    };
    (p.body(false).is_some() && p.i == p.s.len()).then_some(p.resources)
}

/// The names seen in one body or object, to refuse a repeat. Most hold a handful, searched
/// in a list (no allocation until the first name, no tree); past [`Names::LIST`] they move to
/// a set, so a body of thousands of attributes (a large spec's tfvars) stays linear.
#[derive(Default)]
struct Names<'a> {
    list: Vec<&'a [u8]>,
    set: BTreeSet<&'a [u8]>,
}

impl<'a> Names<'a> {
    const LIST: usize = 24;

    fn contains(&self, name: &[u8]) -> bool {
        if self.set.is_empty() {
            self.list.contains(&name)
        } else {
            self.set.contains(name)
        }
    }

    /// Adds `name`; `false` when it was there already.
    fn insert(&mut self, name: &'a [u8]) -> bool {
        if !self.set.is_empty() {
            return self.set.insert(name);
        }
        if self.list.contains(&name) {
            return false;
        }
        if self.list.len() < Self::LIST {
            self.list.push(name);
        } else {
            self.set.extend(self.list.drain(..));
            self.set.insert(name);
        }
        true
    }
}

/// Nesting limit: deeper text is left to the real parser.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    /// Top-level resource addresses seen so far.
    resources: Vec<String>,
}

/// `None` = not sure (stop and fall back).
type R = Option<()>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.s.get(self.i + offset).copied()
    }

    fn starts_with(&self, prefix: &[u8]) -> bool {
        self.s[self.i..].starts_with(prefix)
    }

    /// Skips spaces, tabs and comments; with `newlines`, line ends too. A `#` or `//` comment
    /// runs to the end of the line and leaves the newline in place.
    #[inline]
    fn skip(&mut self, newlines: bool) -> R {
        // Most calls stand on a token already: answered here, without the loop's call.
        match self.peek() {
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'/') => self.skip_some(newlines),
            _ => Some(()),
        }
    }

    /// [`Parser::skip`], past its first check.
    fn skip_some(&mut self, newlines: bool) -> R {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.i += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') && newlines => self.i += 2,
                Some(b'\n') if newlines => self.i += 1,
                Some(b'#') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let end = self.s[self.i + 2..].windows(2).position(|w| w == b"*/")?;
                    let comment = &self.s[self.i + 2..self.i + 2 + end];
                    if !newlines && comment.contains(&b'\n') {
                        return None;
                    }
                    self.i += end + 4;
                }
                _ => return Some(()),
            }
        }
    }

    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.i += 1;
        }
    }

    /// At a line end (or the end of the text): consumes it.
    fn newline(&mut self) -> R {
        self.skip(false)?;
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.i += 2;
                Some(())
            }
            _ => None,
        }
    }

    fn expect(&mut self, c: u8) -> R {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    fn ident(&mut self) -> Option<&[u8]> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.i += 1,
            _ => return None,
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
                self.i += 1;
            } else {
                break;
            }
        }
        // A non-ASCII character right after an identifier may continue it: not sure.
        if self.peek().is_some_and(|c| c >= 0x80) {
            return None;
        }
        Some(&self.s[start..self.i])
    }

    /// A body: attributes and blocks, one a line, up to `}` when `nested`, else to the end.
    /// An attribute name may appear once in a body, and not as a block type there too.
    fn body(&mut self, nested: bool) -> R {
        let mut attributes = Names::default();
        let mut blocks = Names::default();
        loop {
            self.skip(true)?;
            match self.peek() {
                None => return (!nested).then_some(()),
                Some(b'}') if nested => return Some(()),
                _ => {}
            }
            let start = self.i;
            self.ident()?;
            let name = &self.s[start..self.i];
            self.skip(false)?;
            if self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=') {
                if blocks.contains(name) || !attributes.insert(name) {
                    return None;
                }
                self.i += 1;
                self.skip(false)?;
                self.expr()?;
                self.newline()?;
                continue;
            }
            // A block: literal labels, then `{`, a newline and a body, or `{}`.
            if attributes.contains(name) {
                return None;
            }
            blocks.insert(name);
            // The first two labels (`Some(text)` when quoted) and how many there are.
            let mut labels: [Option<&[u8]>; 2] = [None, None];
            let mut count = 0;
            loop {
                self.skip(false)?;
                let label = match self.peek() {
                    // A label: a quoted string without interpolation.
                    Some(b'"') => {
                        let start = self.i;
                        self.template(false)?;
                        Some(&self.s[start + 1..self.i - 1])
                    }
                    Some(b'{') => break,
                    _ => {
                        self.ident()?;
                        None
                    }
                };
                if let Some(slot) = labels.get_mut(count) {
                    *slot = label;
                }
                count += 1;
            }
            if !nested
                && count == 2
                && name == b"resource"
                && let [Some(kind), Some(label)] = labels
                && [kind, label]
                    .iter()
                    .all(|l| !l.is_empty() && !l.contains(&b'\\'))
            {
                // Both labels are slices of a `&str` cut at ASCII quotes: valid UTF-8, so
                // `from_utf8_lossy` borrows them (built by hand: `format!` costs ten times more).
                let mut address = String::with_capacity(kind.len() + 1 + label.len());
                address.push_str(&String::from_utf8_lossy(kind));
                address.push('.');
                address.push_str(&String::from_utf8_lossy(label));
                self.resources.push(address);
            }
            self.i += 1;
            self.skip(false)?;
            if self.peek() == Some(b'}') {
                self.i += 1;
            } else {
                self.newline()?;
                self.nest()?;
                self.body(true)?;
                self.depth -= 1;
                self.expect(b'}')?;
            }
            self.newline()?;
        }
    }

    fn nest(&mut self) -> R {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A backslash escape inside a quoted template.
    fn escape(&mut self) -> R {
        self.i += 1;
        match self.peek()? {
            b'n' | b'r' | b't' | b'"' | b'\\' => {
                self.i += 1;
                Some(())
            }
            b'u' => self.hex(4),
            b'U' => self.hex(8),
            _ => None,
        }
    }

    fn hex(&mut self, digits: usize) -> R {
        self.i += 1;
        let hex = self.s.get(self.i..self.i + digits)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let value = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        char::from_u32(value)?;
        self.i += digits;
        Some(())
    }

    /// A quoted template: literal text, escapes and, when `interpolation`, `${ expr }`
    /// interpolations (without, any `${` or `%{`, escaped or not, is not sure).
    fn template(&mut self, interpolation: bool) -> R {
        self.i += 1;
        loop {
            let c = self.peek()?;
            if !interpolation
                && matches!(c, b'$' | b'%')
                && (self.peek_at(1) == Some(b'{')
                    || (self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{')))
            {
                return None;
            }
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.escape()?,
                b'\n' | b'\r' => return None,
                b'$' if self.peek_at(1) == Some(b'$') && self.peek_at(2) == Some(b'{') => {
                    self.i += 3;
                }
                b'%' if self.peek_at(1) == Some(b'%') && self.peek_at(2) == Some(b'{') => {
                    self.i += 3;
                }
                b'%' if self.peek_at(1) == Some(b'{') => return None,
                b'$' if self.peek_at(1) == Some(b'{') => {
                    self.i += 2;
                    if self.peek() == Some(b'~') {
                        self.i += 1;
                    }
                    self.skip(false)?;
                    self.nest()?;
                    self.expr()?;
                    self.depth -= 1;
                    self.skip(false)?;
                    if self.peek() == Some(b'~') {
                        self.i += 1;
                    }
                    self.expect(b'}')?;
                }
                _ => self.i += 1,
            }
        }
    }

    /// An expression; newlines end it unless `self` is inside brackets (the callers skip them).
    fn expr(&mut self) -> R {
        self.nest()?;
        self.operation()?;
        self.skip(false)?;
        if self.peek() == Some(b'?') {
            self.i += 1;
            self.skip(false)?;
            self.expr()?;
            self.skip(false)?;
            self.expect(b':')?;
            self.skip(false)?;
            self.expr()?;
        }
        self.depth -= 1;
        Some(())
    }

    /// Operands joined by binary operators.
    fn operation(&mut self) -> R {
        loop {
            self.unary()?;
            self.skip(false)?;
            let two = self.s.get(self.i..self.i + 2);
            let op_len = match (self.peek(), two) {
                (_, Some(b"==" | b"!=" | b"<=" | b">=" | b"&&" | b"||")) => 2,
                (Some(b'<' | b'>' | b'+' | b'*' | b'/' | b'%'), _) => 1,
                // `-` is binary here; `->` is not HCL.
                (Some(b'-'), _) if self.peek_at(1) != Some(b'>') => 1,
                _ => return Some(()),
            };
            self.i += op_len;
            self.skip(false)?;
        }
    }

    fn unary(&mut self) -> R {
        while matches!(self.peek(), Some(b'!' | b'-')) {
            self.i += 1;
            self.skip(false)?;
        }
        self.primary()?;
        self.postfix()
    }

    /// Traversals, indexes and splats after a term.
    fn postfix(&mut self) -> R {
        loop {
            match self.peek() {
                Some(b'.') if !self.starts_with(b"...") => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'*') => self.i += 1,
                        Some(c) if c.is_ascii_digit() => {
                            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                                self.i += 1;
                            }
                            // `a.0.1` is fine, `a.1e3` or `a.1.` is not sure.
                            if self
                                .peek()
                                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                            {
                                return None;
                            }
                        }
                        _ => {
                            self.ident()?;
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.skip(false)?;
                    if self.peek() == Some(b'*') && {
                        let mut j = self.i + 1;
                        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        self.s.get(j) == Some(&b']')
                    } {
                        self.i += 1;
                    } else {
                        self.expr()?;
                    }
                    self.skip(false)?;
                    self.expect(b']')?;
                }
                _ => return Some(()),
            }
        }
    }

    fn primary(&mut self) -> R {
        match self.peek()? {
            b'"' => self.template(true),
            b'(' => {
                self.i += 1;
                self.skip(true)?;
                self.expr()?;
                self.skip(true)?;
                self.expect(b')')
            }
            b'[' => self.tuple(),
            b'{' => self.object(),
            c if c.is_ascii_digit() => self.number(),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let literal = matches!(self.ident()?, b"true" | b"false" | b"null");
                if self.peek() == Some(b'(') {
                    // `true(` and friends: not sure.
                    if literal {
                        return None;
                    }
                    self.call()?;
                }
                Some(())
            }
            _ => None,
        }
    }

    fn number(&mut self) -> R {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        // `1x` or `1.x`: not sure.
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80)
        {
            return None;
        }
        Some(())
    }

    /// `name(args)`, newlines allowed between arguments; a final `...` expands the last one.
    fn call(&mut self) -> R {
        self.i += 1;
        self.skip(true)?;
        if self.peek() == Some(b')') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.expr()?;
            self.skip(true)?;
            if self.starts_with(b"...") {
                self.i += 3;
                self.skip(true)?;
                return self.expect(b')');
            }
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.skip(true)?;
                    if self.peek() == Some(b')') {
                        self.i += 1;
                        return Some(());
                    }
                }
                b')' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn at_for(&self) -> bool {
        self.starts_with(b"for") && matches!(self.peek_at(3), Some(b' ' | b'\t'))
    }

    /// `for k, v in coll :` (the part shared by tuple and object `for` expressions).
    fn for_head(&mut self) -> R {
        self.i += 3;
        self.skip(true)?;
        self.ident()?;
        self.skip(true)?;
        if self.peek() == Some(b',') {
            self.i += 1;
            self.skip(true)?;
            self.ident()?;
            self.skip(true)?;
        }
        if !(self.starts_with(b"in") && matches!(self.peek_at(2), Some(b' ' | b'\t' | b'\n'))) {
            return None;
        }
        self.i += 2;
        self.skip(true)?;
        self.expr()?;
        self.skip(true)?;
        self.expect(b':')?;
        self.skip(true)
    }

    /// An optional `if cond` at the end of a `for` expression.
    fn for_if(&mut self) -> R {
        self.skip(true)?;
        if self.starts_with(b"if") && matches!(self.peek_at(2), Some(b' ' | b'\t' | b'(')) {
            self.i += 2;
            self.skip(true)?;
            self.expr()?;
            self.skip(true)?;
        }
        Some(())
    }

    fn tuple(&mut self) -> R {
        self.i += 1;
        self.nest()?;
        self.skip(true)?;
        if self.at_for() {
            self.for_head()?;
            self.expr()?;
            self.for_if()?;
        } else {
            while self.peek() != Some(b']') {
                self.expr()?;
                self.skip(true)?;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.skip(true)?;
                    }
                    b']' => {}
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        self.expect(b']')
    }

    fn object(&mut self) -> R {
        self.i += 1;
        self.nest()?;
        self.skip(true)?;
        if self.at_for() {
            self.for_head()?;
            self.expr()?;
            self.skip(true)?;
            if !self.starts_with(b"=>") {
                return None;
            }
            self.i += 2;
            self.skip(true)?;
            self.expr()?;
            self.skip(true)?;
            if self.starts_with(b"...") {
                self.i += 3;
            }
            self.for_if()?;
        } else {
            // Keys may appear once: names and plain quoted strings (one namespace, which may
            // only make this stricter); other keys are left to the real parser.
            let mut keys = Names::default();
            while self.peek() != Some(b'}') {
                let key = if self.peek()? == b'"' {
                    let start = self.i + 1;
                    self.template(true)?;
                    let key = &self.s[start..self.i - 1];
                    if key.iter().any(|c| matches!(c, b'\\' | b'$' | b'%')) {
                        return None;
                    }
                    key
                } else {
                    let start = self.i;
                    self.ident()?;
                    &self.s[start..self.i]
                };
                if !keys.insert(key) {
                    return None;
                }
                self.skip(false)?;
                match self.peek()? {
                    b'=' if self.peek_at(1) != Some(b'=') => self.i += 1,
                    b':' => self.i += 1,
                    _ => return None,
                }
                self.skip(false)?;
                self.expr()?;
                self.skip(false)?;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.skip(true)?;
                    }
                    b'\n' | b'\r' => self.skip(true)?,
                    b'}' => {}
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        self.expect(b'}')
    }
}
