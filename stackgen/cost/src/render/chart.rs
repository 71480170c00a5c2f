//! The month's cost by service, idle against usage, as pictures: a Mermaid chart for the
//! Markdown report (GitHub renders it in a pull request) and inline SVG for the HTML page (no
//! script, no network).

use crate::Usd;
use crate::report::{CostKind, CostReport};

/// At most this many services are drawn; the rest are summed as "other".
const MAX_SERVICES: usize = 10;

/// One service's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ServiceCost {
    pub service: String,
    pub idle: Usd,
    pub usage: Usd,
}

impl ServiceCost {
    fn total(&self) -> Usd {
        self.idle + self.usage
    }
}

/// The service a price belongs to, as the bill names it, from the pricing page the price table
/// cites for it (`https://aws.amazon.com/sqs/pricing/` → `SQS`): SQS polling by a Lambda event
/// source mapping is SQS on the bill, not Lambda.
fn service_of(source: &str) -> String {
    let segment = source
        .trim_start_matches("https://aws.amazon.com/")
        .split('/')
        .next()
        .unwrap_or(source);
    match segment {
        "lambda" => "Lambda",
        "api-gateway" => "API Gateway",
        "dynamodb" => "DynamoDB",
        "s3" => "S3",
        "cloudfront" => "CloudFront",
        "sqs" => "SQS",
        "cognito" => "Cognito",
        "sns" => "SNS",
        "cloudwatch" => "CloudWatch",
        "aws-cost-management" => "Budgets",
        "eventbridge" => "EventBridge",
        "ses" => "SES",
        "xray" => "X-Ray",
        "kms" => "KMS",
        "secrets-manager" => "Secrets Manager",
        "step-functions" => "Step Functions",
        "vpc" => "VPC",
        "elasticloadbalancing" => "Elastic Load Balancing",
        "privatelink" => "PrivateLink",
        "eks" => "EKS",
        "kinesis" => "Kinesis",
        "waf" => "WAF",
        "route53" => "Route 53",
        other => other,
    }
    .to_owned()
}

/// Cost by service, largest first, services that cost nothing left out; past
/// [`MAX_SERVICES`], the smallest are summed as "other".
pub(super) fn by_service(r: &CostReport) -> Vec<ServiceCost> {
    let source = |meter: &str| {
        r.prices
            .iter()
            .find(|p| p.meter == meter)
            .map_or_else(|| meter.to_owned(), |p| service_of(&p.source))
    };
    let mut out: Vec<ServiceCost> = Vec::new();
    let priced = r
        .resources
        .iter()
        .flat_map(|res| &res.components)
        .filter(|c| !c.monthly.is_zero());
    for c in priced {
        let Some(meter) = &c.meter else { continue };
        let service = source(meter);
        let i = match out.iter().position(|s| s.service == service) {
            Some(i) => i,
            None => {
                out.push(ServiceCost {
                    service,
                    idle: Usd::ZERO,
                    usage: Usd::ZERO,
                });
                out.len() - 1
            }
        };
        match c.kind {
            CostKind::Idle => out[i].idle += c.monthly,
            CostKind::Usage => out[i].usage += c.monthly,
        }
    }
    out.sort_by(|a, b| b.total().cmp(&a.total()).then(a.service.cmp(&b.service)));
    if out.len() > MAX_SERVICES {
        let rest = out.split_off(MAX_SERVICES - 1);
        out.push(ServiceCost {
            service: "other".to_owned(),
            idle: rest.iter().fold(Usd::ZERO, |a, s| a + s.idle),
            usage: rest.iter().fold(Usd::ZERO, |a, s| a + s.usage),
        });
    }
    out
}

fn dollars(u: Usd) -> String {
    format!("{:.2}", u.as_f64())
}

/// A Mermaid `xychart-beta` (horizontal, so service names read on one line): one bar per service (its month), a line for its idle part (what it
/// costs unused); the gap between them is usage. `None` when nothing costs money.
pub(super) fn mermaid(r: &CostReport) -> Option<String> {
    let services = by_service(r);
    let top = services.first()?.total().as_f64();
    let names: Vec<String> = services
        .iter()
        .map(|s| format!("\"{}\"", s.service.replace('"', "'")))
        .collect();
    let totals: Vec<String> = services.iter().map(|s| dollars(s.total())).collect();
    let idle: Vec<String> = services.iter().map(|s| dollars(s.idle)).collect();
    Some(format!(
        "```mermaid\nxychart-beta horizontal\n    title \"{} a month by service: bars the month, line the idle part\"\n    \
         x-axis [{}]\n    y-axis \"USD a month\" 0 --> {}\n    bar [{}]\n    line [{}]\n```\n",
        r.totals.total.display(),
        names.join(", "),
        ceiling(top),
        totals.join(", "),
        idle.join(", ")
    ))
}

/// A round axis top at or above `v` (1, 2, 5 × a power of ten).
fn ceiling(v: f64) -> String {
    if v <= 0.0 {
        return "1".to_owned();
    }
    let power = 10f64.powf(v.log10().floor());
    let top = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|t| *t >= v)
        .unwrap_or(10.0 * power);
    format!("{top}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, one per service, idle (dark) then usage (light), labelled with both; plain
/// SVG with its own title and description for screen readers.
pub(super) fn svg(r: &CostReport) -> String {
    let services = by_service(r);
    let top = services
        .first()
        .map_or(1.0, |s| s.total().as_f64())
        .max(0.01);
    let (label_w, bar_w, row_h) = (170.0, 420.0, 26.0);
    let height = 30.0 + row_h * services.len() as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\" aria-labelledby=\"cost-title cost-desc\">\n\
         <title id=\"cost-title\">Monthly cost by service</title>\n\
         <desc id=\"cost-desc\">{} a month: {} idle, {} usage</desc>\n\
         <text x=\"{label_w}\" y=\"16\" font-size=\"12\"><tspan fill=\"#1f4e79\">■ idle</tspan> \
         <tspan fill=\"#7fb3e0\">■ usage</tspan></text>\n",
        r.totals.total.display(),
        r.totals.idle.display(),
        r.totals.usage.display(),
        w = label_w + bar_w + 280.0,
    );
    for (i, s) in services.iter().enumerate() {
        let y = 26.0 + row_h * i as f64;
        let idle_w = bar_w * s.idle.as_f64() / top;
        let usage_w = bar_w * s.usage.as_f64() / top;
        out.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{idle_w:.1}\" height=\"18\" fill=\"#1f4e79\"/>\n\
             <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{usage_w:.1}\" height=\"18\" fill=\"#7fb3e0\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{} ({} idle + {} usage)</text>\n",
            label_w - 8.0,
            y + 13.0,
            escape(&s.service),
            label_w + idle_w,
            label_w + idle_w + usage_w + 6.0,
            y + 13.0,
            s.total().display(),
            s.idle.display(),
            s.usage.display(),
        ));
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_named_as_on_the_bill() {
        assert_eq!(service_of("https://aws.amazon.com/sqs/pricing/"), "SQS");
        assert_eq!(
            service_of("https://aws.amazon.com/api-gateway/pricing/"),
            "API Gateway"
        );
        assert_eq!(
            service_of("https://aws.amazon.com/dynamodb/pricing/on-demand/"),
            "DynamoDB"
        );
        assert_eq!(
            service_of("https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/"),
            "Budgets"
        );
        assert_eq!(
            service_of("https://aws.amazon.com/newthing/pricing/"),
            "newthing"
        );
    }

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(ceiling(0.93), "1");
        assert_eq!(ceiling(3.2), "5");
        assert_eq!(ceiling(12.0), "20");
        assert_eq!(ceiling(0.0), "1");
    }
}
