//! The ways a reference can still reach another template, each written on purpose (a handle
//! passed as a builder's input, handed out of it, captured or kept in a static does not compile:
//! `src/cfn/draft.rs`), and `Template::validate` refusing each at synth, naming the id.

use std::cell::RefCell;

use stackgen_model::cfn::{Json, Output, Tags, Template, TemplateError, Url};
use stackgen_model::services::sqs::Queue;
use stackgen_model::sub;

fn dangling(from: &str, to: &str) -> Result<(), TemplateError> {
    Err(TemplateError::Dangling {
        from: from.into(),
        to: to.into(),
    })
}

thread_local! {
    static KEPT: RefCell<Option<Url<Queue>>> = const { RefCell::new(None) };
}

#[test]
fn a_value_kept_in_a_thread_local_is_refused_at_synth() {
    let (a, ()) = Template::build("a", Tags::new(), &(), |t, _| {
        let jobs = t.add("Jobs", Queue::new());
        KEPT.with(|k| *k.borrow_mut() = Some(jobs.url()));
    });
    let (b, used) = Template::build("b", Tags::new(), &(), |t, _| {
        let kept = KEPT.with(|k| k.borrow_mut().take());
        kept.map(|url| t.output("Url", Output::new("kept", url)))
            .is_some()
    });
    assert!(used, "the thread-local held the other template's URL");
    assert_eq!(a.validate(), Ok(()));
    assert_eq!(b.validate(), dangling("Url", "Jobs"));
}

#[test]
fn a_value_copied_out_of_a_template_built_inside_a_builder_is_refused_at_synth() {
    let (b, copied) = Template::build("b", Tags::new(), &(), |t, _| {
        let (a, ()) = Template::build("a", Tags::new(), &(), |t, _| {
            let dlq = t.add("Dlq", Queue::new());
            t.add("Jobs", Queue::new().queue_name(sub!(dlq.name(), "-jobs")));
        });
        let name = a
            .resources::<Queue>()
            .find_map(|(_, q)| q.queue_name.clone());
        name.map(|name| t.add("Copy", Queue::new().queue_name(name)))
            .is_some()
    });
    assert!(copied, "the inner template's queue name was copied");
    assert_eq!(b.validate(), dangling("Copy", "Dlq"));
}

#[test]
fn a_value_turned_into_plain_json_and_back_is_refused_at_synth() {
    let (_, text) = Template::build("a", Tags::new(), &(), |t, _| {
        let dlq = t.add("Dlq", Queue::new());
        serde_json::to_value(dlq.arn()).unwrap_or_default()
    });
    assert_eq!(text, serde_json::json!({"Fn::GetAtt": ["Dlq", "Arn"]}));
    let (b, ()) = Template::build("b", Tags::new(), &text, |t, text| {
        let policy = serde_json::json!({"deadLetterTargetArn": text, "maxReceiveCount": 3});
        t.add("Copy", Queue::new().redrive_policy(Json::from(policy)));
    });
    assert_eq!(b.validate(), dangling("Copy", "Dlq"));
}
