//! One self-contained HTML page for people who read reports in a browser: the chart of cost by
//! service (inline SVG), the per-resource table, what the idle cost is made of, and the budget
//! headroom per traffic profile. No script, no stylesheet or font from the network: it opens
//! from a file, an e-mail attachment or a CI artifact alike.

use super::{chart, checked_phrase, pct};
use crate::report::CostReport;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;\
padding:0 1rem;color:#1b1b1b}table{border-collapse:collapse;margin:1rem 0}\
th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}\
.muted{color:#555}svg{max-width:100%;height:auto}";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page around `body` (already HTML), titled `title`.
pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// A text rendering (a diff, actuals) as a page.
pub(super) fn preformatted(title: &str, text: &str) -> String {
    page(
        title,
        &format!("<h1>{}</h1>\n<pre>{}</pre>\n", escape(title), escape(text)),
    )
}

pub(super) fn report(r: &CostReport) -> String {
    let title = format!("Monthly cost estimate: {} ({})", r.label, r.region);
    let mut body = format!(
        "<h1>{}</h1>\n<p><strong>{}</strong> a month under traffic profile <code>{}</code>: \
         {} idle + {} usage. <span class=\"muted\">Prices of {}{}, free tier {}.</span></p>\n",
        escape(&title),
        r.totals.total.display(),
        escape(&r.profile.name),
        r.totals.idle.display(),
        r.totals.usage.display(),
        r.prices_taken,
        escape(&checked_phrase(r)),
        if r.free_tier {
            "applied"
        } else {
            "not applied"
        }
    );
    body.push_str("<h2>By service</h2>\n");
    body.push_str(&chart::svg(r));
    body.push_str(&resources(r));
    body.push_str(&idle(r));
    body.push_str(&budget(r));
    if !r.warnings.is_empty() {
        body.push_str("<h2>Warnings</h2>\n<ul>\n");
        for w in &r.warnings {
            body.push_str(&format!("<li>{}</li>\n", escape(w)));
        }
        body.push_str("</ul>\n");
    }
    page(&title, &body)
}

fn resources(r: &CostReport) -> String {
    let mut out = String::from(
        "<h2>Resources</h2>\n<table>\n<thead><tr><th>Resource</th><th>Type</th>\
         <th class=\"n\">Idle</th><th class=\"n\">Usage</th><th class=\"n\">Total</th></tr></thead>\n<tbody>\n",
    );
    for res in &r.resources {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            escape(&res.logical_id),
            escape(&res.resource_type),
            res.idle.display(),
            res.usage.display(),
            res.total.display()
        ));
    }
    out.push_str(&format!(
        "</tbody>\n<tfoot><tr><td>Total</td><td></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td></tr></tfoot>\n</table>\n",
        r.totals.idle.display(),
        r.totals.usage.display(),
        r.totals.total.display()
    ));
    out
}

fn idle(r: &CostReport) -> String {
    if r.idle_lines.is_empty() {
        return "<p>Idle, the stack costs nothing.</p>\n".to_owned();
    }
    let mut out = String::from("<h2>What the idle cost is made of</h2>\n<ul>\n");
    for l in &r.idle_lines {
        out.push_str(&format!(
            "<li>{} — <code>{}</code> {}</li>\n",
            l.monthly.display(),
            escape(&l.logical_id),
            escape(&l.component)
        ));
    }
    out.push_str("</ul>\n");
    out
}

fn budget(r: &CostReport) -> String {
    let mut out = match &r.budget {
        Some(b) => format!(
            "<h2>Budget: {} a month <span class=\"muted\">({})</span></h2>\n",
            b.monthly_limit.display(),
            escape(&b.source)
        ),
        None => "<h2>Totals per traffic profile</h2>\n".to_owned(),
    };
    out.push_str(
        "<table>\n<thead><tr><th>Profile</th><th class=\"n\">Idle</th><th class=\"n\">Usage</th>\
         <th class=\"n\">Total</th><th class=\"n\">Of budget</th><th class=\"n\">Headroom</th></tr></thead>\n<tbody>\n",
    );
    for p in &r.profiles {
        out.push_str(&format!(
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            escape(&p.profile),
            p.idle.display(),
            p.usage.display(),
            p.total.display(),
            pct(p.budget_used_percent),
            p.headroom.map_or_else(|| "-".into(), |h| h.display())
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
