//! The architecture diagram: every resource group of the stack and how data flows between
//! them, as a Mermaid flowchart (GitHub and the Mermaid live editor draw it).
//!
//! Nodes are the resources a reader reasons about (distribution, buckets, API, user pool,
//! functions, tables, queues, topics, schedules, the sender, budget, alarms); the glue (roles,
//! log groups, routes, integrations, mappings, subscriptions, policies) becomes the edges:
//! an integration is API → function, a mapping is queue or table → function, a role's
//! statements are function → what it reads or writes, a subscription is topic → function.

use stackgen_model::generated::{
    apigatewayv2, budgets, ce, cloudfront, cloudwatch, cognito, dynamodb, iam, lambda, s3,
    scheduler, ses, sns, sqs,
};
use std::collections::{BTreeMap, BTreeSet};

use super::view::{Res, View};
use crate::env::Environment;

/// The groups, in drawing order, and the types each holds.
const GROUPS: &[(&str, &str, &[&str])] = &[
    ("edge", "Edge", &[cloudfront::DISTRIBUTION_TYPE_NAME]),
    ("identity", "Identity", &[cognito::USER_POOL_TYPE_NAME]),
    ("api", "API", &[apigatewayv2::API_TYPE_NAME]),
    ("functions", "Functions", &[lambda::FUNCTION_TYPE_NAME]),
    (
        "data",
        "Data",
        &[dynamodb::TABLE_TYPE_NAME, s3::BUCKET_TYPE_NAME],
    ),
    (
        "events",
        "Events",
        &[
            sqs::QUEUE_TYPE_NAME,
            sns::TOPIC_TYPE_NAME,
            scheduler::SCHEDULE_TYPE_NAME,
            ses::EMAIL_IDENTITY_TYPE_NAME,
        ],
    ),
    (
        "finops",
        "FinOps and alarms",
        &[
            budgets::BUDGET_TYPE_NAME,
            ce::ANOMALY_MONITOR_TYPE_NAME,
            cloudwatch::DASHBOARD_TYPE_NAME,
        ],
    ),
];

/// The node of the SES sender identity.
const SENDER: &str = "sender";

/// An edge with its label.
type Edges = BTreeMap<(String, String), BTreeSet<&'static str>>;

pub fn page(env: &Environment, view: &View) -> String {
    let mut out = super::generated(env);
    out.push_str(&format!("# Architecture: `{}`\n\n", env.name));
    out.push_str(
        "Every resource group of the stack and how data flows between them. Roles, log groups, \
         routes, mappings and subscriptions are drawn as the arrows they make.\n\n\
         ![Architecture](architecture.svg)\n\n\
         The Mermaid source (`make docs` renders it to `architecture.svg`):\n\n```mermaid\n",
    );
    let sender = env.notifications.as_ref().map(|n| n.sender.as_str());
    out.push_str(&mermaid(view, sender));
    out.push_str("```\n");
    out
}

/// `sender`: the account's SES identity customer emails come from (not a resource of the
/// stack, but what the notifier's role may send from), drawn with the events.
fn mermaid(view: &View, sender: Option<&str>) -> String {
    let nodes: BTreeSet<&str> = view
        .resources
        .iter()
        .filter(|r| group_of(r).is_some())
        .map(|r| r.id)
        .collect();
    let mut out =
        String::from("flowchart LR\n  browser([\"Browser: storefront and back office\"])\n");
    out.push_str("  email([\"Email: customers, on-call, FinOps\"])\n");
    for (key, title, _) in GROUPS {
        let members: Vec<Res> = view
            .resources
            .iter()
            .copied()
            .filter(|r| group_of(r) == Some(key))
            .collect();
        if members.is_empty() && *key != "finops" {
            continue;
        }
        out.push_str(&format!("  subgraph {key}[\"{title}\"]\n"));
        for r in &members {
            out.push_str(&format!("    {}\n", node(r)));
        }
        if let (Some(address), "events") = (sender, *key) {
            out.push_str(&format!(
                "    {SENDER}[\"{address}<br/>SES identity (account)\"]\n"
            ));
        }
        let alarms = view.of_type(cloudwatch::ALARM_TYPE_NAME).count();
        if *key == "finops" && alarms > 0 {
            out.push_str(&format!("    alarms[\"{alarms} alarms<br/>CloudWatch\"]\n"));
        }
        out.push_str("  end\n");
    }
    let mut edges = Edges::new();
    entry_edges(view, &nodes, &mut edges);
    glue_edges(view, &nodes, &mut edges);
    role_edges(view, &nodes, &mut edges);
    match sender {
        Some(_) => add(&mut edges, SENDER, "email", "delivers"),
        None => edges.retain(|(_, to), _| to != SENDER),
    }
    for ((from, to), labels) in &edges {
        let label: Vec<&str> = labels.iter().copied().collect();
        out.push_str(&format!("  {from} -->|{}| {to}\n", label.join(", ")));
    }
    out
}

fn group_of(r: &Res) -> Option<&'static str> {
    if r.ty == s3::BUCKET_TYPE_NAME && r.id == crate::stack::ids::SITE_BUCKET {
        return Some("edge");
    }
    GROUPS
        .iter()
        .find(|(_, _, types)| types.contains(&r.ty))
        .map(|(key, _, _)| *key)
}

fn node(r: &Res) -> String {
    let kind = r.ty.rsplit("::").next().unwrap_or(r.ty);
    let service = r.ty.split("::").nth(1).unwrap_or_default();
    let label = format!("{}<br/>{service} {kind}", r.id);
    match r.ty {
        dynamodb::TABLE_TYPE_NAME | s3::BUCKET_TYPE_NAME => format!("{}[(\"{label}\")]", r.id),
        sqs::QUEUE_TYPE_NAME | sns::TOPIC_TYPE_NAME => format!("{}[/\"{label}\"/]", r.id),
        _ => format!("{}[\"{label}\"]", r.id),
    }
}

fn add(edges: &mut Edges, from: &str, to: &str, label: &'static str) {
    edges
        .entry((from.to_owned(), to.to_owned()))
        .or_default()
        .insert(label);
}

/// Where requests enter: the browser to the CDN (or, without one, to what `stackgen dev`
/// serves), the CDN to its origins, the API to its functions and its authorizer's pool.
fn entry_edges(view: &View, nodes: &BTreeSet<&str>, edges: &mut Edges) {
    let cdn: Vec<Res> = view.of_type(cloudfront::DISTRIBUTION_TYPE_NAME).collect();
    for d in &cdn {
        add(edges, "browser", d.id, "HTTPS");
        for origin in d.refers_to() {
            if nodes.contains(origin.as_str()) {
                add(edges, d.id, &origin, "origin");
            }
        }
    }
    if cdn.is_empty() {
        for api in view.of_type(apigatewayv2::API_TYPE_NAME) {
            add(edges, "browser", api.id, "/api");
        }
        if nodes.contains(crate::stack::ids::SITE_BUCKET) {
            add(edges, "browser", crate::stack::ids::SITE_BUCKET, "pages");
        }
    }
    for i in view.of_type(apigatewayv2::INTEGRATION_TYPE_NAME) {
        let refs = i.refers_to();
        let api = refs.iter().find(|r| {
            view.get(r)
                .is_some_and(|x| x.ty == apigatewayv2::API_TYPE_NAME)
        });
        let function = refs.iter().find(|r| {
            view.get(r)
                .is_some_and(|x| x.ty == lambda::FUNCTION_TYPE_NAME)
        });
        if let (Some(api), Some(function)) = (api, function) {
            add(edges, api, function, "routes");
        }
    }
    for a in view.of_type(apigatewayv2::AUTHORIZER_TYPE_NAME) {
        let refs = a.refers_to();
        let api = refs.iter().find(|r| {
            view.get(r)
                .is_some_and(|x| x.ty == apigatewayv2::API_TYPE_NAME)
        });
        let pools = refs.iter().filter(|r| {
            view.get(r)
                .is_some_and(|x| x.ty == cognito::USER_POOL_TYPE_NAME)
        });
        if let Some(api) = api {
            for pool in pools {
                add(edges, api, pool, "verifies tokens");
            }
        }
    }
}

/// Mappings, subscriptions, schedules, redrive, budgets and alarms.
fn glue_edges(view: &View, nodes: &BTreeSet<&str>, edges: &mut Edges) {
    let typed = |id: &str, ty: &str| view.get(id).is_some_and(|r| r.ty == ty);
    for m in view.of_type(lambda::EVENT_SOURCE_MAPPING_TYPE_NAME) {
        let refs = m.refers_to();
        let Some(function) = refs.iter().find(|r| typed(r, lambda::FUNCTION_TYPE_NAME)) else {
            continue;
        };
        for source in &crate::model::references(&m.props["EventSourceArn"]) {
            if typed(source, sqs::QUEUE_TYPE_NAME) {
                add(edges, source, function, "triggers");
            } else if typed(source, dynamodb::TABLE_TYPE_NAME) {
                add(edges, source, function, "stream");
            }
        }
    }
    for s in view.of_type(sns::SUBSCRIPTION_TYPE_NAME) {
        let refs = s.refers_to();
        let topic = refs.iter().find(|r| typed(r, sns::TOPIC_TYPE_NAME));
        let target = refs.iter().find(|r| typed(r, lambda::FUNCTION_TYPE_NAME));
        match (topic, target, s.props["Protocol"].as_str()) {
            (Some(t), Some(f), _) => add(edges, t, f, "invokes"),
            (Some(t), None, Some("email")) => add(edges, t, "email", "notifies"),
            _ => {}
        }
    }
    for r in &view.resources {
        let refs = r.refers_to();
        let targets = refs.iter().filter(|x| nodes.contains(x.as_str()));
        match r.ty {
            scheduler::SCHEDULE_TYPE_NAME => {
                for t in targets.filter(|t| !typed(t, iam::ROLE_TYPE_NAME)) {
                    add(edges, r.id, t, "on schedule");
                }
            }
            sqs::QUEUE_TYPE_NAME => {
                for t in targets.filter(|t| typed(t, sqs::QUEUE_TYPE_NAME)) {
                    add(edges, r.id, t, "dead letters");
                }
            }
            budgets::BUDGET_TYPE_NAME => {
                for t in targets {
                    add(edges, r.id, t, "thresholds");
                }
                add(edges, r.id, "email", "thresholds");
            }
            ce::ANOMALY_SUBSCRIPTION_TYPE_NAME => add(edges, "finops", "email", "anomalies"),
            cloudwatch::ALARM_TYPE_NAME => {
                for t in refs.iter().filter(|t| typed(t, sns::TOPIC_TYPE_NAME)) {
                    add(edges, "alarms", t, "alarm");
                }
            }
            _ => {}
        }
    }
}

/// What each function's role lets it touch, by the verbs of the statement's actions. A role
/// that names many functions (the kill switch's) points at the functions group as a whole.
fn role_edges(view: &View, nodes: &BTreeSet<&str>, edges: &mut Edges) {
    for f in view.of_type(lambda::FUNCTION_TYPE_NAME) {
        let Some(role) = f
            .refers_to()
            .into_iter()
            .find_map(|r| view.get(&r).filter(|x| x.ty == iam::ROLE_TYPE_NAME))
        else {
            continue;
        };
        let triggered: BTreeSet<String> = edges
            .keys()
            .filter(|(_, to)| to == f.id)
            .map(|(from, _)| from.clone())
            .collect();
        for policy in role.props["Policies"].as_array().into_iter().flatten() {
            for st in policy["PolicyDocument"]["Statement"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let targets: Vec<String> = crate::model::references(&st["Resource"])
                    .into_iter()
                    .filter(|t| nodes.contains(t.as_str()) && t != f.id && !triggered.contains(t))
                    .collect();
                let labels = verbs(&st["Action"]);
                // The sender is the account's, named by a literal ARN rather than a reference.
                if labels.contains(&"emails") {
                    add(edges, f.id, SENDER, "emails");
                }
                let functions = targets
                    .iter()
                    .filter(|t| {
                        view.get(t)
                            .is_some_and(|x| x.ty == lambda::FUNCTION_TYPE_NAME)
                    })
                    .count();
                if functions > 3 {
                    add(edges, f.id, "functions", "throttles");
                    continue;
                }
                for t in targets {
                    for label in &labels {
                        add(edges, f.id, &t, label);
                    }
                }
            }
        }
    }
}

/// What a statement's actions do, as the arrow's words: `reads`, `writes`, `deletes`, `sends`, …
fn verbs(actions: &serde_json::Value) -> Vec<&'static str> {
    let list: Vec<&str> = match actions {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    let mut out = BTreeSet::new();
    for action in list {
        let (service, name) = action.split_once(':').unwrap_or(("", action));
        out.insert(match (service, name) {
            ("sqs", "SendMessage") => "sends",
            ("sns", "Publish") => "publishes",
            ("ses", _) => "emails",
            ("cognito-idp", _) => "looks up users",
            ("lambda", n) if n.contains("Concurrency") => "throttles",
            ("s3", n) if n.starts_with("Delete") => "deletes",
            (_, n)
                if n.starts_with("Put")
                    || n.starts_with("Update")
                    || n.starts_with("Delete")
                    || n.contains("Write") =>
            {
                "writes"
            }
            _ => "reads",
        });
    }
    out.into_iter().collect()
}
