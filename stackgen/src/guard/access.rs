//! Every route says who may call it: a route the spec does not declare public must have the
//! user pool's JWT authorizer and require the access-token scope. Otherwise anyone on the
//! internet reaches a customer's cart or the back office, and the functions' own check (which
//! fails closed without claims) is the only thing standing.

use retail_spec::{ACCESS_TOKEN_SCOPE, ROUTES};

use super::{Outcome, Rule, RuleResult, Subject};
use crate::env::StaffMfa;
use crate::model::apigw::{Authorizer, Route};

pub const RULE: Rule = Rule {
    id: "route-authorizers",
    title: "every route the spec does not call public has a JWT authorizer requiring an access token; staff need MFA where data is real",
};

pub fn check(s: &Subject) -> RuleResult {
    let mut o = Outcome::new(RULE);
    for (id, route) in s.template.resources::<Route>() {
        o.checked();
        // A route the spec does not know is treated as non-public: the spec is where a route
        // is declared public, not the template.
        let public = ROUTES
            .iter()
            .any(|r| route.route_key == r.route_key().as_str() && !r.caller.needs_token());
        if public {
            continue;
        }
        let fix = "give it AuthorizationType JWT, AuthorizerId = Ref of the stack's user pool authorizer and AuthorizationScopes [aws.cognito.signin.user.admin]; or, if it really is for anyone, declare it `caller: Caller::Public` in retail_spec";
        let authorizer = route
            .authorizer_id
            .as_ref()
            .and_then(|v| v.as_ref_id())
            .and_then(|a| s.template.get::<Authorizer>(a));
        if !route.requires_jwt() || authorizer.is_none() {
            o.violation(
                id.as_str(),
                format!(
                    "route {} is not public in the spec but has no JWT authorizer of this stack",
                    route.route_key
                ),
                fix,
            );
        } else if !route.requires_scope(ACCESS_TOKEN_SCOPE) {
            o.violation(
                id.as_str(),
                format!(
                    "route {} does not require the scope {ACCESS_TOKEN_SCOPE}, so ID tokens pass as well as access tokens",
                    route.route_key
                ),
                fix,
            );
        }
    }
    staff_mfa(s, &mut o);
    o.finish()
}

/// An environment that keeps real data requires staff to sign in with an authenticator app
/// (`staff.mfa: required`): a staff password alone opens every store's orders and stock.
fn staff_mfa(s: &Subject, o: &mut Outcome) {
    if !s.env.is_protected() {
        return;
    }
    o.checked();
    if s.env.staff.mfa != StaffMfa::Required {
        o.violation(
            "(environment)",
            format!(
                "{} keeps real data but says staff.mfa: {}, so a staff password alone opens the back office",
                s.env.name,
                s.env.staff.mfa.as_str()
            ),
            format!(
                "set staff.mfa: required in {} (each staff member sets up an authenticator app in the back office at their next sign-in)",
                s.env.file_name()
            ),
        );
    }
}
