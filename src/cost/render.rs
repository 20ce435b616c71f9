//! Cost sheets as text: a terminal table, Markdown, CSV and JSON; the three-cloud comparison
//! and the cost diff between two specs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::CostSheet;
use crate::render::filters::{push_md, push_quoted};
use crate::render::text::{self, Buf as _, Text};

/// Money as `$1,234.56`.
pub fn money(value: f64) -> String {
    let mut out = String::new();
    push_money(&mut out, value);
    out
}

/// [`money`], appended to `out`.
pub(crate) fn push_money(out: &mut String, value: f64) {
    let cents = (value * 100.0).round();
    let negative = cents < 0.0;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "monthly costs are far below i64::MAX cents"
    )]
    let cents = cents.abs() as i64;
    if negative {
        out.push('-');
    }
    out.push('$');
    let start = out.len();
    let _ = write!(out, "{}", cents / 100);
    // Thousands separators, from the left: the first group has 1 to 3 digits.
    let digits = out.len() - start;
    for at in (1..digits)
        .rev()
        .filter(|at| (digits - at).is_multiple_of(3))
    {
        out.insert(start + at, ',');
    }
    let _ = write!(out, ".{:02}", cents % 100);
}

/// `value` with exactly `digits` decimals, appended to `out`: the same text as
/// `write!(out, "{value:.digits$}")` (the exact binary value rounded half to even), found with
/// integer arithmetic on the float's mantissa and exponent. The standard formatter's exact mode
/// often falls back to big-number arithmetic (Dragon4), which was a few percent of a large
/// spec's run; values this does not cover exactly (non-finite, huge, more than 10 digits) go to
/// the standard formatter.
pub(crate) fn push_fixed(out: &mut String, value: f64, digits: usize) {
    const POW10: [u128; 11] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
        10_000_000_000,
    ];
    let bits = value.to_bits();
    let biased = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    // value = mantissa * 2^exponent, exactly.
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074_i32)
    } else {
        (
            fraction | (1 << 52),
            i32::try_from(biased).unwrap_or(0) - 1075,
        )
    };
    let Some(&scale) = POW10.get(digits) else {
        let _ = write!(out, "{value:.digits$}");
        return;
    };
    if biased == 0x7ff || exponent > 20 {
        let _ = write!(out, "{value:.digits$}");
        return;
    }
    // scaled = value * 10^digits rounded half to even (below 2^107: no overflow).
    let product = u128::from(mantissa) * scale;
    let scaled = if exponent >= 0 {
        product << exponent
    } else {
        let shift = exponent.unsigned_abs();
        if shift >= 127 {
            0
        } else {
            let quotient = product >> shift;
            let remainder = product & ((1 << shift) - 1);
            let half = 1 << (shift - 1);
            if remainder > half || (remainder == half && quotient & 1 == 1) {
                quotient + 1
            } else {
                quotient
            }
        }
    };
    if bits >> 63 == 1 {
        out.push('-');
    }
    let _ = write!(out, "{}", scaled / scale);
    if digits > 0 {
        let _ = write!(out, ".{:0digits$}", scaled % scale);
    }
}

/// A quantity with at most 3 decimals, no trailing zeros.
pub(crate) fn quantity(value: f64) -> String {
    let mut out = String::new();
    push_quantity(&mut out, value);
    out
}

/// [`quantity`], appended to `out`.
fn push_quantity(out: &mut String, value: f64) {
    let start = out.len();
    push_fixed(out, value, 3);
    if out[start..].contains('.') {
        // Bytes, not `ends_with(char)` (which compares through `memcmp`).
        while out.as_bytes().last() == Some(&b'0') {
            out.pop();
        }
        if out.as_bytes().last() == Some(&b'.') {
            out.pop();
        }
    }
    if out.len() == start {
        out.push('0');
    }
}

/// A unit price with the digits it has, at least cents: `$3.00`, `$0.023`, `$0.0000166667`.
fn push_unit_price(out: &mut String, value: f64) {
    out.push('$');
    let start = out.len();
    if value >= 0.01 {
        push_fixed(out, value, 4);
    } else {
        push_fixed(out, value, 10);
    }
    match out[start..].find('.') {
        Some(dot) => {
            let dot = start + dot;
            while out.len() > dot + 1 && out.as_bytes().last() == Some(&b'0') {
                out.pop();
            }
            while out.len() < dot + 3 {
                out.push('0');
            }
        }
        None => out.push_str(".00"),
    }
}

fn assumptions_text(line: &super::CostLine) -> String {
    let mut out = String::new();
    push_assumptions(&mut out, line);
    out
}

/// `name=value (source)` for each assumption of `line`, `; `-separated, appended to `out`.
fn push_assumptions(out: &mut String, line: &super::CostLine) {
    for (index, a) in line.assumptions.iter().enumerate() {
        if index > 0 {
            out.push_str("; ");
        }
        out.push_str(&a.name);
        out.push('=');
        push_quantity(out, a.value);
        out.push_str(" (");
        out.push_str(&a.source);
        out.push(')');
    }
}

fn header(sheet: &CostSheet) -> String {
    let mut text = format!(
        "{} on {} — {} ({}), prices as of {} in {}",
        sheet.spec, sheet.provider, sheet.environment, sheet.region, sheet.as_of, sheet.currency
    );
    if sheet.priced_region != sheet.region {
        let _ = write!(text, " (priced at {} rates)", sheet.priced_region);
    }
    text
}

/// Markdown cost sheet.
pub fn markdown(sheet: &CostSheet) -> String {
    markdown_text(sheet).into_string()
}

/// [`markdown`] as a [`Text`]: built in a buffer that is moved into the text every
/// [`text::CHUNK`] bytes, so a large sheet is never one allocation.
pub fn markdown_text(sheet: &CostSheet) -> Text {
    let mut text = Text::new();
    let mut out = format!("# Monthly cost: {}\n\n", header(sheet));
    out.push_str("| component | billing line | quantity | unit price | monthly | assumptions |\n| --- | --- | ---: | ---: | ---: | --- |\n");
    // Written piece by piece into `out` (a large sheet has tens of thousands of lines).
    let mut name = String::new();
    let mut assumptions = String::new();
    for component in &sheet.components {
        name.clear();
        name.push('`');
        name.push_str(&component.id);
        name.push_str("` ");
        push_md(&mut name, &component.service);
        name.push_str(" (");
        name.push_str(&component.size);
        name.push(')');
        if let Some(free) = &component.free {
            out.push_str("| ");
            out.push_str(&name);
            out.push_str(" | free: ");
            push_md(&mut out, free);
            out.push_str(" | | | $0.00 | |\n");
        }
        for line in &component.lines {
            out.push_str("| ");
            out.push_str(&name);
            out.push_str(" | ");
            push_md(&mut out, &line.name);
            if let Some(free) = &line.free {
                out.push_str(" (free: ");
                push_md(&mut out, free);
                out.push_str(") | | | $0.00 | |\n");
                continue;
            }
            out.push_str(" | ");
            push_quantity(&mut out, line.quantity);
            out.push(' ');
            push_md(&mut out, &line.unit);
            out.push_str(" | ");
            push_unit_price(&mut out, line.unit_price);
            out.push_str(" | ");
            push_money(&mut out, line.monthly);
            out.push_str(" | ");
            // An empty cell is `| |`, not `|  |` (markdownlint MD060).
            assumptions.clear();
            push_assumptions(&mut assumptions, line);
            if !assumptions.is_empty() {
                push_md(&mut out, &assumptions);
                out.push(' ');
            }
            out.push_str("|\n");
        }
        if component.lines.len() > 1 {
            out.push_str("| ");
            out.push_str(&name);
            out.push_str(" | **subtotal** | | | **");
            push_money(&mut out, component.monthly);
            out.push_str("** | |\n");
        }
        if out.len() >= text::CHUNK {
            text.push_str(&out);
            out.clear();
        }
    }
    out.push_str("\n| tier | monthly |\n| --- | ---: |\n");
    for (tier, value) in &sheet.by_tier {
        let _ = writeln!(out, "| {tier} | {} |", money(*value));
    }
    let _ = writeln!(out, "| **total** | **{}** |", money(sheet.total));
    if !sheet.unpriced.is_empty() {
        out.push_str("\n## Not priced (not in the total)\n\n");
        for item in &sheet.unpriced {
            let _ = writeln!(
                out,
                "- {}{}: {}",
                if item.component.is_empty() {
                    String::new()
                } else {
                    format!("`{}` ", item.component)
                },
                escape_md(&item.item),
                escape_md(&item.reason)
            );
        }
    }
    text.push_str(&out);
    text
}

fn escape_md(text: &str) -> String {
    crate::render::filters::md(text)
}

/// Plain-text table for the terminal.
pub fn table(sheet: &CostSheet) -> String {
    let mut rows: Vec<[String; 5]> = vec![[
        "component".into(),
        "billing line".into(),
        "quantity".into(),
        "monthly".into(),
        "assumptions".into(),
    ]];
    for component in &sheet.components {
        if let Some(free) = &component.free {
            rows.push([
                component.id.clone(),
                format!("free: {free}"),
                String::new(),
                money(0.0),
                String::new(),
            ]);
        }
        for line in &component.lines {
            rows.push([
                component.id.clone(),
                match &line.free {
                    Some(free) => format!("{} (free: {free})", line.name),
                    None => line.name.clone(),
                },
                if line.free.is_some() {
                    String::new()
                } else {
                    format!("{} {}", quantity(line.quantity), line.unit)
                },
                money(line.monthly),
                assumptions_text(line),
            ]);
        }
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
                .min(48)
        })
        .collect();
    let mut out = format!("{}\n\n", header(sheet));
    for row in &rows {
        let _ = writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
    }
    out.push('\n');
    for (tier, value) in &sheet.by_tier {
        let _ = writeln!(out, "{tier:>14}  {}", money(*value));
    }
    let _ = writeln!(out, "{:>14}  {}", "total", money(sheet.total));
    for item in &sheet.unpriced {
        let _ = writeln!(
            out,
            "warning: not priced: {} {}: {}",
            item.component, item.item, item.reason
        );
    }
    out
}

/// A CSV field appended to `out`: quoted (quotes doubled) when it holds `,`, `"` or a newline.
fn push_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n']) {
        push_quoted(out, text, '"', "\"\"");
    } else {
        out.push_str(text);
    }
}

/// CSV, one row per billing line.
pub fn csv(sheet: &CostSheet) -> String {
    csv_text(sheet).into_string()
}

/// [`csv`] as a [`Text`] (see [`markdown_text`]).
pub fn csv_text(sheet: &CostSheet) -> Text {
    let mut text = Text::new();
    let mut out = String::from(
        "provider,environment,component,function,service,size,line,sku,unit,quantity,unit_price,monthly,assumptions,as_of\n",
    );
    // Written piece by piece into `out` (a large sheet has tens of thousands of lines).
    let mut base = String::new();
    let mut scratch = String::new();
    for component in &sheet.components {
        base.clear();
        for (index, field) in [
            sheet.provider.as_str(),
            sheet.environment.as_str(),
            component.id.as_str(),
            component.function.as_str(),
            component.service.as_str(),
            component.size.as_str(),
        ]
        .into_iter()
        .enumerate()
        {
            if index > 0 {
                base.push(',');
            }
            push_field(&mut base, field);
        }
        if let Some(free) = &component.free {
            out.push_str(&base);
            out.push(',');
            push_field(&mut out, &format!("free: {free}"));
            out.push_str(",,,0,0,0.00,,");
            push_field(&mut out, &sheet.as_of);
            out.push('\n');
        }
        for line in &component.lines {
            out.push_str(&base);
            out.push(',');
            match &line.free {
                Some(free) => push_field(&mut out, &format!("{} (free: {free})", line.name)),
                None => push_field(&mut out, &line.name),
            }
            out.push(',');
            push_field(&mut out, &line.sku);
            out.push(',');
            push_field(&mut out, &line.unit);
            out.push(',');
            push_quantity(&mut out, line.quantity);
            let _ = write!(out, ",{},", line.unit_price);
            push_fixed(&mut out, line.monthly, 2);
            out.push(',');
            scratch.clear();
            push_assumptions(&mut scratch, line);
            push_field(&mut out, &scratch);
            out.push(',');
            push_field(&mut out, &sheet.as_of);
            out.push('\n');
        }
        if out.len() >= text::CHUNK {
            text.push_str(&out);
            out.clear();
        }
    }
    text.push_str(&out);
    text
}

/// Pretty JSON of a sheet.
pub fn json(sheet: &CostSheet) -> String {
    json_text(sheet).into_string()
}

/// [`json`] as a [`Text`], serialized into it.
pub fn json_text(sheet: &CostSheet) -> Text {
    let mut text = Text::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, Pretty::default());
    if sheet.serialize(&mut serializer).is_ok() {
        text.push('\n');
    }
    text
}

/// `serde_json`'s `PrettyFormatter` (two-space indent; the same bytes), writing each line break
/// with its indent in one call instead of one call per level: the writer is called per token,
/// and the cost JSON's indentation was about a third of its serialization.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break and the current indent.
    fn line<W: ?Sized + std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        const LINE: &[u8] = b"\n                                                                ";
        if let Some(line) = LINE.get(..=2 * self.depth) {
            writer.write_all(line)
        } else {
            writer.write_all(b"\n")?;
            (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
        }
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(&self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.line(writer)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The three clouds side by side for one environment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// Spec name.
    pub spec: String,
    /// Environment.
    pub environment: String,
    /// Provider -> total.
    pub totals: BTreeMap<String, f64>,
    /// Provider -> number of unpriced items.
    pub unpriced: BTreeMap<String, usize>,
    /// The cheapest provider (by priced total).
    pub cheapest: String,
    /// Component id -> provider -> monthly (priced lines only).
    pub components: BTreeMap<String, BTreeMap<String, f64>>,
    /// Provider -> components with at least one item not priced.
    pub incomplete: BTreeMap<String, Vec<String>>,
}

/// Builds the comparison of several providers' sheets (same environment).
pub fn compare<'a>(sheets: impl IntoIterator<Item = &'a CostSheet>) -> Comparison {
    let mut sheets = sheets.into_iter().peekable();
    let first = sheets.peek().copied();
    let mut comparison = Comparison {
        spec: first.map(|s| s.spec.clone()).unwrap_or_default(),
        environment: first.map(|s| s.environment.clone()).unwrap_or_default(),
        totals: BTreeMap::new(),
        unpriced: BTreeMap::new(),
        cheapest: String::new(),
        components: BTreeMap::new(),
        incomplete: BTreeMap::new(),
    };
    for sheet in sheets {
        comparison
            .totals
            .insert(sheet.provider.clone(), sheet.total);
        comparison
            .unpriced
            .insert(sheet.provider.clone(), sheet.short_items().count());
        let mut incomplete: Vec<String> = sheet
            .short_items()
            .filter(|u| !u.component.is_empty())
            .map(|u| u.component.clone())
            .collect();
        incomplete.sort();
        incomplete.dedup();
        comparison
            .incomplete
            .insert(sheet.provider.clone(), incomplete);
        for component in &sheet.components {
            comparison
                .components
                .entry(component.id.clone())
                .or_default()
                .insert(sheet.provider.clone(), component.monthly);
        }
    }
    // A total with items not priced is a lower bound. The cheapest is a fully priced total
    // that is no higher than any other total, lower bounds included: only then is it certain.
    let complete = |p: &str| comparison.unpriced.get(p).copied().unwrap_or(0) == 0;
    comparison.cheapest = comparison
        .totals
        .iter()
        .filter(|(p, _)| complete(p))
        .min_by(|a, b| a.1.total_cmp(b.1))
        .filter(|(_, best)| comparison.totals.values().all(|total| *best <= total))
        .map(|(p, _)| p.clone())
        .unwrap_or_default();
    comparison
}

/// One environment's sheets side by side: the comparison and its Markdown, which gives each
/// provider's price date.
pub fn side_by_side(sheets: &[&CostSheet]) -> (Comparison, String) {
    let as_of = sheets
        .iter()
        .map(|s| (s.provider.clone(), s.as_of.clone()))
        .collect();
    let comparison = compare(sheets.iter().copied());
    let markdown = comparison_markdown(&comparison, &as_of);
    (comparison, markdown)
}

/// Markdown of a comparison.
pub fn comparison_markdown(comparison: &Comparison, as_of: &BTreeMap<String, String>) -> String {
    let providers: Vec<&String> = comparison.totals.keys().collect();
    let mut out = format!(
        "# Monthly cost, side by side: {} ({})\n\nPrices as of: {}.\n\n| component |",
        comparison.spec,
        comparison.environment,
        as_of
            .iter()
            .map(|(p, d)| format!("{p} {d}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for p in &providers {
        let _ = write!(out, " {p} |");
    }
    out.push_str("\n| --- |");
    for _ in &providers {
        out.push_str(" ---: |");
    }
    out.push('\n');
    for (component, costs) in &comparison.components {
        let _ = write!(out, "| `{component}` |");
        for p in &providers {
            let incomplete = comparison
                .incomplete
                .get(*p)
                .is_some_and(|list| list.contains(component));
            let cell = match (costs.get(*p), incomplete) {
                (None, _) => "—".to_string(),
                (Some(v), true) if *v == 0.0 => "not priced".to_string(),
                (Some(v), true) => format!("{} + not priced", money(*v)),
                (Some(v), false) => money(*v),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out.push_str("| **total** |");
    for p in &providers {
        let mark = if **p == comparison.cheapest {
            " (cheapest)"
        } else {
            ""
        };
        let partial = if comparison.unpriced.get(*p).copied().unwrap_or(0) > 0 {
            " + not priced"
        } else {
            ""
        };
        let _ = write!(
            out,
            " **{}**{partial}{mark} |",
            money(comparison.totals[*p])
        );
    }
    out.push('\n');
    if comparison.cheapest.is_empty() {
        out.push_str(
            "\nNo provider is marked cheapest: a total with items not priced is only a lower bound, and no fully priced total is below every lower bound.\n",
        );
    }
    let unpriced: Vec<String> = comparison
        .unpriced
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(p, n)| format!("{p}: {n}"))
        .collect();
    if !unpriced.is_empty() {
        let _ = writeln!(
            out,
            "\nItems not in the totals (price data missing, or no public list price; see each provider's sheet): {}.",
            unpriced.join(", ")
        );
    }
    out
}

/// Monthly delta between two sheets of the same provider and environment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CostDiff {
    /// Provider.
    pub provider: String,
    /// Environment.
    pub environment: String,
    /// Old total.
    pub old_total: f64,
    /// New total.
    pub new_total: f64,
    /// Component -> (old, new); absent = 0.
    pub components: BTreeMap<String, (f64, f64)>,
}

/// Diffs two sheets.
pub fn diff(old: &CostSheet, new: &CostSheet) -> CostDiff {
    let mut components: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for c in &old.components {
        components.entry(c.id.clone()).or_default().0 = c.monthly;
    }
    for c in &new.components {
        components.entry(c.id.clone()).or_default().1 = c.monthly;
    }
    components.retain(|_, (a, b)| (*a - *b).abs() >= 0.005);
    CostDiff {
        provider: new.provider.clone(),
        environment: new.environment.clone(),
        old_total: old.total,
        new_total: new.total,
        components,
    }
}

fn signed(value: f64) -> String {
    if value >= 0.0 {
        format!("+{}", money(value))
    } else {
        money(value)
    }
}

/// Markdown of cost diffs, fit for a pull-request comment.
pub fn diff_markdown(diffs: &[CostDiff]) -> String {
    let mut out = String::from("## archgen cost diff\n\n");
    for d in diffs {
        let _ = writeln!(
            out,
            "### {} — {}: {} → {} ({})\n",
            d.provider,
            d.environment,
            money(d.old_total),
            money(d.new_total),
            signed(d.new_total - d.old_total)
        );
        if d.components.is_empty() {
            out.push_str("No component changes cost.\n\n");
            continue;
        }
        out.push_str("| component | before | after | delta |\n| --- | ---: | ---: | ---: |\n");
        for (component, (old, new)) in &d.components {
            let _ = writeln!(
                out,
                "| `{component}` | {} | {} | {} |",
                money(*old),
                money(*new),
                signed(new - old)
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{money, quantity};

    fn unit_price(value: f64) -> String {
        let mut out = String::from("|");
        super::push_unit_price(&mut out, value);
        // Appending leaves what was there before.
        out.strip_prefix('|').expect("prefix kept").to_string()
    }

    /// `push_fixed` is `{:.N}` exactly: ties (halves exactly representable), values just either
    /// side of them, tiny, subnormal, negative and zero values, and a pseudo-random sweep.
    #[test]
    fn fixed_decimals_match_the_standard_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            -0.125,
            0.0005,
            0.0015,
            1e-300,
            -1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.1,
            0.2,
            0.3,
            1.005,
            2.675,
            123_456.785,
            9_999_999.999_5,
            1e15,
            1e20,
            1e21,
            1e22,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            730.0 * 0.023,
            0.000_016_666_7,
        ];
        // Exact ties at every digit count: k / 2^j for small j.
        for j in 1..12 {
            for k in 0..64_u32 {
                let v = f64::from(k) / f64::from(1_u32 << j);
                values.extend([v, -v, v + 1e-9, v - 1e-9, v * 1000.0]);
            }
        }
        // A deterministic sweep over many magnitudes.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bits =
                (state >> 12) | (u64::from(u32::try_from(state % 90).unwrap_or(0) + 990) << 52);
            values.push(f64::from_bits(bits));
        }
        for value in values {
            for digits in 0..=12 {
                let mut ours = String::from("|");
                super::push_fixed(&mut ours, value, digits);
                assert_eq!(
                    ours,
                    format!("|{value:.digits$}"),
                    "{value:e} at {digits} digits"
                );
            }
        }
    }

    /// `Pretty` writes what `serde_json`'s pretty printer writes: empty and nested arrays and
    /// objects, and nesting deeper than its one-call indent (32 levels).
    #[test]
    fn pretty_json_matches_serde_json() {
        let mut deep = serde_json::json!({"leaf": [1, {"a": []}], "empty": {}});
        for level in 0..40 {
            deep = serde_json::json!({ "level": level, "inner": deep, "list": [level, [], {}] });
        }
        for value in [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([[], {}, [[]], {"a": {}}]),
            serde_json::json!({"s": "quote \" backslash \\ newline \n", "n": 1.5, "b": true}),
            deep,
        ] {
            let mut ours = Vec::new();
            let mut serializer =
                serde_json::Serializer::with_formatter(&mut ours, super::Pretty::default());
            serde::Serialize::serialize(&value, &mut serializer).expect("serializes");
            let expected = serde_json::to_string_pretty(&value).expect("serializes");
            assert_eq!(String::from_utf8(ours).expect("UTF-8"), expected);
        }
    }

    #[test]
    fn unit_prices_keep_their_digits_and_at_least_cents() {
        assert_eq!(unit_price(3.0), "$3.00");
        assert_eq!(unit_price(0.5), "$0.50");
        assert_eq!(unit_price(0.023), "$0.023");
        assert_eq!(unit_price(0.000_016_666_7), "$0.0000166667");
        assert_eq!(unit_price(0.0), "$0.00");
        assert_eq!(unit_price(12.345_67), "$12.3457");
    }

    #[test]
    fn money_formats_with_grouping_and_sign() {
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(1234.5), "$1,234.50");
        assert_eq!(money(1_234_567.891), "$1,234,567.89");
        assert_eq!(money(-12.3), "-$12.30");
        assert_eq!(money(999.999), "$1,000.00");
        assert_eq!(money(100.0), "$100.00");
        assert_eq!(money(123_456.0), "$123,456.00");
        assert_eq!(money(-1_234_567.0), "-$1,234,567.00");
        assert_eq!(money(-0.001), "$0.00");
    }

    #[test]
    fn quantities_have_at_most_three_decimals_and_no_trailing_zeros() {
        assert_eq!(quantity(0.0), "0");
        assert_eq!(quantity(1.5), "1.5");
        assert_eq!(quantity(10.0), "10");
        assert_eq!(quantity(730.0), "730");
        assert_eq!(quantity(1234.5678), "1234.568");
        assert_eq!(quantity(0.0004), "0");
        assert_eq!(quantity(-2.25), "-2.25");
    }
}
