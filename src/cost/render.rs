//! Cost sheets as text: a terminal table, Markdown, CSV and JSON; the three-cloud comparison
//! and the cost diff between two specs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::CostSheet;

/// Money as `$1,234.56`.
pub fn money(value: f64) -> String {
    let cents = (value * 100.0).round();
    let negative = cents < 0.0;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "monthly costs are far below i64::MAX cents"
    )]
    let cents = cents.abs() as i64;
    let dollars = cents / 100;
    let mut digits = dollars.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    format!(
        "{}${digits}{grouped}.{:02}",
        if negative { "-" } else { "" },
        cents % 100
    )
}

/// A quantity with at most 3 decimals, no trailing zeros.
pub(crate) fn quantity(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".into()
    } else {
        text.into()
    }
}

/// A unit price with the digits it has, at least cents: `$3.00`, `$0.023`, `$0.0000166667`.
fn unit_price(value: f64) -> String {
    let text = if value >= 0.01 {
        format!("{value:.4}")
    } else {
        format!("{value:.10}")
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut fraction = fraction.trim_end_matches('0').to_string();
    while fraction.len() < 2 {
        fraction.push('0');
    }
    format!("${whole}.{fraction}")
}

fn assumptions_text(line: &super::CostLine) -> String {
    line.assumptions
        .iter()
        .map(|a| format!("{}={} ({})", a.name, quantity(a.value), a.source))
        .collect::<Vec<_>>()
        .join("; ")
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
    let mut out = format!("# Monthly cost: {}\n\n", header(sheet));
    out.push_str("| component | billing line | quantity | unit price | monthly | assumptions |\n| --- | --- | ---: | ---: | ---: | --- |\n");
    for component in &sheet.components {
        let name = format!(
            "`{}` {} ({})",
            component.id,
            escape_md(&component.service),
            component.size
        );
        if let Some(free) = &component.free {
            let _ = writeln!(out, "| {name} | free: {} | | | $0.00 | |", escape_md(free));
        }
        for line in &component.lines {
            match &line.free {
                Some(free) => {
                    let _ = writeln!(
                        out,
                        "| {name} | {} (free: {}) | | | $0.00 | |",
                        escape_md(&line.name),
                        escape_md(free)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "| {name} | {} | {} {} | {} | {} |{}|",
                        escape_md(&line.name),
                        quantity(line.quantity),
                        escape_md(&line.unit),
                        unit_price(line.unit_price),
                        money(line.monthly),
                        // An empty cell is `| |`, not `|  |` (markdownlint MD060).
                        match assumptions_text(line) {
                            text if text.is_empty() => " ".to_string(),
                            text => format!(" {} ", escape_md(&text)),
                        }
                    );
                }
            }
        }
        if component.lines.len() > 1 {
            let _ = writeln!(
                out,
                "| {name} | **subtotal** | | | **{}** | |",
                money(component.monthly)
            );
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
    out
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

/// CSV, one row per billing line.
pub fn csv(sheet: &CostSheet) -> String {
    let field = |text: &str| {
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    let mut out = String::from(
        "provider,environment,component,function,service,size,line,sku,unit,quantity,unit_price,monthly,assumptions,as_of\n",
    );
    for component in &sheet.components {
        let base = [
            sheet.provider.as_str(),
            sheet.environment.as_str(),
            component.id.as_str(),
            component.function.as_str(),
            component.service.as_str(),
            component.size.as_str(),
        ]
        .map(field)
        .join(",");
        if let Some(free) = &component.free {
            let _ = writeln!(
                out,
                "{base},{},,,0,0,0.00,,{}",
                field(&format!("free: {free}")),
                field(&sheet.as_of)
            );
        }
        for line in &component.lines {
            let _ = writeln!(
                out,
                "{base},{},{},{},{},{},{:.2},{},{}",
                field(&line.free.as_ref().map_or_else(
                    || line.name.clone(),
                    |f| format!("{} (free: {f})", line.name)
                )),
                field(&line.sku),
                field(&line.unit),
                quantity(line.quantity),
                line.unit_price,
                line.monthly,
                field(&assumptions_text(line)),
                field(&sheet.as_of)
            );
        }
    }
    out
}

/// Pretty JSON of a sheet.
pub fn json(sheet: &CostSheet) -> String {
    let mut text = serde_json::to_string_pretty(sheet).unwrap_or_default();
    text.push('\n');
    text
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
    use super::money;

    #[test]
    fn unit_prices_keep_their_digits_and_at_least_cents() {
        assert_eq!(super::unit_price(3.0), "$3.00");
        assert_eq!(super::unit_price(0.5), "$0.50");
        assert_eq!(super::unit_price(0.023), "$0.023");
        assert_eq!(super::unit_price(0.000_016_666_7), "$0.0000166667");
    }

    #[test]
    fn money_formats_with_grouping_and_sign() {
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(1234.5), "$1,234.50");
        assert_eq!(money(1_234_567.891), "$1,234,567.89");
        assert_eq!(money(-12.3), "-$12.30");
    }
}
