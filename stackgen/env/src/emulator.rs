//! `emulator:`: an environment that lives on the local AWS emulator, and never anywhere else.
//!
//! The `local` environment's functions are this machine's debug builds and its data is
//! throwaway. Naming its emulator in the file, instead of relying on every shell's
//! `AWS_ENDPOINT_URL`, lets each command on it (`status`, `smoke`, `staff`, a redeploy from a
//! second terminal) find the emulator with no set-up, and refuses a shell whose
//! `AWS_ENDPOINT_URL` points anywhere but this machine, so such an environment cannot reach an
//! AWS account by accident. The rule here keeps it off real accounts in the file too: no
//! `account`, no protection.

use super::locate::{FieldPath, Violation};
use super::model::Environment;

/// The shell's `AWS_ENDPOINT_URL` points away from the emulator the environment lives on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "environment `{env}` lives on the local AWS emulator at {declared} (`emulator:` in its \
     file), but AWS_ENDPOINT_URL is `{shell}`, which is not an http(s) URL on this machine, so \
     nothing was sent. Unset AWS_ENDPOINT_URL (the file's emulator is used), or point it at an \
     emulator on 127.0.0.1, localhost or [::1] (`http://127.0.0.1:5000`)"
)]
pub struct EndpointElsewhere {
    pub env: String,
    pub declared: String,
    pub shell: String,
}

impl Environment {
    /// Where this environment's AWS requests must go, given the shell's `AWS_ENDPOINT_URL`.
    ///
    /// `None` for an environment in AWS: aws-config resolves its endpoints itself, the shell's
    /// variable included. For one on the emulator: the shell's endpoint when it is this machine
    /// (a test's emulator, or `make run`'s on another port), else the file's `emulator:`.
    pub fn emulator_endpoint(
        &self,
        shell_endpoint: Option<&str>,
    ) -> Result<Option<String>, EndpointElsewhere> {
        let Some(declared) = &self.emulator else {
            return Ok(None);
        };
        match shell_endpoint {
            None => Ok(Some(declared.clone())),
            Some(shell) if is_emulator_url(shell) => Ok(Some(shell.to_owned())),
            Some(shell) => Err(EndpointElsewhere {
                env: self.name.clone(),
                declared: declared.clone(),
                shell: shell.to_owned(),
            }),
        }
    }
}

/// An http(s) URL on this machine: what an emulator's address must be.
fn is_emulator_url(url: &str) -> bool {
    endpoint_problem(url).is_none() && is_loopback_url(url)
}

/// What keeps `url` from being an endpoint (`scheme://host[:port][/]`), if anything: the SDK
/// would otherwise take it and fail every request with its own words, or reach a port the
/// operating system turns into another.
pub fn endpoint_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Some("it has no http:// or https:// in front");
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains(['?', '#']) || !(path.is_empty() || path == "/") {
        return Some("it has a path or a query; an endpoint is a scheme, a host and a port");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        // `[address]` or `[address]:port`, the address an IPv6 one (RFC 3986, 3.2.2).
        let Some((inside, after)) = v6.split_once(']') else {
            return Some("its IPv6 address has no closing `]`");
        };
        if inside.is_empty() {
            return Some("it has no host");
        }
        if inside.parse::<std::net::Ipv6Addr>().is_err() {
            return Some("the host in brackets is not an IPv6 address");
        }
        match after.strip_prefix(':') {
            Some(port) => (inside, Some(port)),
            None if after.is_empty() => (inside, None),
            None => return Some("it has something after the `]` that is not `:port`"),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Some("it has no host");
    }
    if !authority.starts_with('[') && host.contains(['[', ']', ':', '@', ' ']) {
        return Some("its host is not a name or an address");
    }
    match port.map(str::parse::<u16>) {
        Some(Ok(0) | Err(_)) => Some("its port is not a number from 1 to 65535"),
        _ => None,
    }
}

/// Whether `url`'s host is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `emulator:` is an http(s) URL on this machine, in an environment that names no account and
/// is not protected.
pub(super) fn check(env: &Environment, out: &mut Vec<Violation>) {
    let Some(url) = &env.emulator else {
        return;
    };
    let field = FieldPath::keys("emulator");
    if let Some(problem) = endpoint_problem(url) {
        out.push((
            field.clone(),
            format!(
                "`{url}` is not an endpoint: {problem}; write e.g. `http://127.0.0.1:5000` \
                 (where `make run` starts moto)"
            ),
        ));
    } else if !is_emulator_url(url) {
        out.push((
            field.clone(),
            format!(
                "`{url}` is not an emulator on this machine; write an http URL on 127.0.0.1, \
                 localhost or [::1], e.g. `http://127.0.0.1:5000` (where `make run` starts moto)"
            ),
        ));
    }
    if let Some(why) = meant_for_aws(env) {
        out.push((
            field,
            format!(
                "`emulator` is refused here because {why}: an environment on the emulator never \
                 reaches AWS; remove the line to deploy this environment to AWS"
            ),
        ));
    }
}

/// Why `env` is meant for a real AWS account, if it is: it is protected (production-like), or
/// it names its account. Such an environment takes neither `emulator:` nor `function_code: host`.
pub(super) fn meant_for_aws(env: &Environment) -> Option<String> {
    if env.is_protected() {
        Some("the environment is protected (production-like)".to_owned())
    } else {
        env.account
            .as_ref()
            .map(|a| format!("it names the AWS account `{a}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn an_endpoint_is_a_scheme_a_host_and_a_port() {
        for url in [
            "http://127.0.0.1:5000",
            "http://127.0.0.1:5000/",
            "https://cloudformation.us-east-1.amazonaws.com",
            "http://[::1]:5000",
            "http://[::1]",
            "http://localhost",
        ] {
            assert_eq!(endpoint_problem(url), None, "{url}");
        }
        for (url, needle) in [
            ("127.0.0.1:5999", "http://"),
            ("http://", "no host"),
            ("http://:5000", "no host"),
            ("http://127.0.0.1:99999", "port"),
            ("http://127.0.0.1:0", "port"),
            ("http://127.0.0.1:50a0", "port"),
            ("http://127.0.0.1:5000/moto", "path"),
            ("http://127.0.0.1:5000?x=1", "path"),
            ("http://[::1", "no closing `]`"),
            ("http://[::1]x", "after the `]`"),
            ("http://[nope]:5000", "not an IPv6 address"),
            ("http://[]", "no host"),
            ("http://a b:5000", "not a name or an address"),
        ] {
            let problem = endpoint_problem(url).unwrap_or_default();
            assert!(problem.contains(needle), "{url}: {problem:?}");
        }
    }

    #[test]
    fn loopback_endpoints_are_told_from_the_rest() {
        for url in [
            "http://127.0.0.1:5000",
            "http://localhost:5000/",
            "http://[::1]:5000",
            "http://127.0.0.2",
            "http://LOCALHOST",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "https://cloudformation.us-east-1.amazonaws.com",
            "http://10.0.0.5:5000",
            "http://127.0.0.1.nip.io:5000",
            "http://localhost.example.com",
            "http://user@evil.example:80",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    #[test]
    fn the_shell_may_move_the_emulator_on_this_machine_but_not_away_from_it() {
        let local = fixtures::local();
        let declared = local.emulator.clone();
        assert!(declared.is_some(), "local.yaml names its emulator");
        assert_eq!(local.emulator_endpoint(None), Ok(declared));
        assert_eq!(
            local.emulator_endpoint(Some("http://127.0.0.1:41234")),
            Ok(Some("http://127.0.0.1:41234".to_owned()))
        );
        let err = local
            .emulator_endpoint(Some("https://cloudformation.us-east-1.amazonaws.com"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("`local`")
                && err.contains("AWS_ENDPOINT_URL")
                && err.contains("emulator:"),
            "{err}"
        );
        assert!(
            local.emulator_endpoint(Some("localhost:5000")).is_err(),
            "no scheme"
        );
        // An environment in AWS leaves endpoints to aws-config, the shell's variable included.
        assert_eq!(
            fixtures::dev().emulator_endpoint(Some("http://x:1")),
            Ok(None)
        );
    }

    fn violations(env: &Environment) -> Vec<String> {
        let mut out = Vec::new();
        check(env, &mut out);
        out.into_iter().map(|(f, m)| format!("{f}: {m}")).collect()
    }

    #[test]
    fn an_emulator_elsewhere_or_in_an_account_or_protected_is_refused() {
        assert!(violations(&fixtures::local()).is_empty());
        let mut env = fixtures::local();
        env.emulator = Some("http://10.0.0.5:5000".into());
        let v = violations(&env);
        assert!(
            v.len() == 1 && v[0].contains("not an emulator on this machine"),
            "{v:?}"
        );
        env.emulator = Some("127.0.0.1:5000".into());
        assert_eq!(violations(&env).len(), 1, "a URL needs its scheme");
        let mut env = fixtures::local();
        env.account = Some("123456789012".into());
        let v = violations(&env);
        assert!(
            v.len() == 1 && v[0].contains("names the AWS account"),
            "{v:?}"
        );
        let mut env = fixtures::dev();
        env.emulator = Some("http://127.0.0.1:5000".into());
        env.protection.retain_data = true;
        let v = violations(&env);
        assert!(v.len() == 1 && v[0].contains("protected"), "{v:?}");
    }
}
