//! The resource inventory: every resource of the stack with its type, physical name (or the
//! pattern it is built from), tags, log group, the alarms that watch it, and its idle monthly
//! cost at list price.

use super::view::{Res, View};
use crate::cost::CostReport;
use crate::env::Environment;
use stackgen_model::generated::{cloudwatch, lambda};

/// The four cost-allocation tags every taggable resource carries.
const STACK_TAGS: [&str; 4] = ["Project", "Env", "Owner", "CostCenter"];

pub fn page(
    env: &Environment,
    view: &View,
    companions: &[super::Companion<'_>],
    idle: Option<&CostReport>,
) -> String {
    let mut out = super::generated(env);
    out.push_str(&format!("# Inventory: `{}`\n\n", env.name));
    out.push_str(&format!(
        "{} resources. \"stack tags\" are `Project={}`, `Env={}`, `Owner={}`, \
         `CostCenter={}`. Idle cost is a month at list price with no traffic ({}).\n\n",
        view.resources.len(),
        env.tags.project,
        env.name,
        env.tags.owner,
        env.tags.cost_center,
        idle.map_or_else(
            || "this region is not priced".to_owned(),
            |r| format!("{} in all, prices of {}", r.totals.idle, r.prices_taken)
        )
    ));
    if let Some(chart) = idle.and_then(crate::cost::render::service_chart) {
        out.push_str("Where the idle month goes, by service:\n\n");
        out.push_str(&chart);
        out.push('\n');
    }
    table(&mut out, view, idle, "");
    for c in companions {
        let theirs = View::new(c.template);
        out.push_str(&format!(
            "\n## Stack `{}` ({})\n\n{} resources, deployed before the main stack, which reads \
             their ids as parameters.\n\n",
            c.name,
            c.region,
            theirs.resources.len()
        ));
        table(&mut out, &theirs, idle, &format!("{}/", c.name));
    }
    out
}

/// One stack's resources. The cost report prices every stack together and names another
/// stack's resources `<stack>/<id>` (`prefix`).
fn table(out: &mut String, view: &View, idle: Option<&CostReport>, prefix: &str) {
    out.push_str("| resource | type | name | tags | log group | alarms | idle / month |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for r in &view.resources {
        let key = format!("{prefix}{}", r.id);
        let cost = idle
            .and_then(|c| c.resources.iter().find(|x| x.logical_id == key))
            .map_or_else(|| "—".to_owned(), |x| x.idle.to_string());
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} | {} | {} |\n",
            r.id,
            r.ty,
            r.physical_name()
                .map_or_else(|| "generated".to_owned(), |n| format!("`{}`", cell(&n))),
            tags(r),
            log_group(view, r).map_or_else(|| "—".to_owned(), |g| format!("`{}`", cell(&g))),
            watchers(view, r),
            cost
        ));
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The resource's tag keys: "stack tags", plus any others.
fn tags(r: &Res) -> String {
    let mut keys: Vec<String> = match (&r.props["Tags"], &r.props["UserPoolTags"]) {
        (serde_json::Value::Array(list), _) => list
            .iter()
            .filter_map(|t| t["Key"].as_str().map(str::to_owned))
            .collect(),
        (serde_json::Value::Object(map), _) | (_, serde_json::Value::Object(map)) => {
            map.keys().cloned().collect()
        }
        _ => Vec::new(),
    };
    if keys.is_empty() {
        return "—".to_owned();
    }
    let all = STACK_TAGS.iter().all(|t| keys.iter().any(|k| k == t));
    if all {
        keys.retain(|k| !STACK_TAGS.contains(&k.as_str()));
        keys.insert(0, "stack tags".to_owned());
    }
    keys.join(", ")
}

/// A function's declared log group (`LoggingConfig.LogGroup`), by name.
fn log_group(view: &View, r: &Res) -> Option<String> {
    if r.ty != lambda::FUNCTION_TYPE_NAME {
        return None;
    }
    let id = crate::model::references(&r.props["LoggingConfig"])
        .into_iter()
        .next()?;
    view.get(&id)?.physical_name()
}

/// The alarms whose dimensions name this resource, linked to their runbooks.
fn watchers(view: &View, r: &Res) -> String {
    let names: Vec<String> = view
        .of_type(cloudwatch::ALARM_TYPE_NAME)
        .filter(|a| crate::model::references(&a.props["Dimensions"]).contains(r.id))
        .map(|a| {
            let slug = super::runbooks::slug(&a);
            format!("[{slug}](runbooks/{slug}.md)")
        })
        .collect();
    if names.is_empty() {
        "—".to_owned()
    } else {
        names.join(", ")
    }
}
