//! SDK failures turned into messages that say what to set or start.
//!
//! The SDK's own errors ("dispatch failure", "service error") do not tell an engineer that the
//! emulator is not running or that no profile is configured. [`AwsError`] classifies every
//! failure into: endpoint unreachable, no credentials, timeout, an answer that is not AWS's
//! (with its HTTP status), a service's own refusal (with its code, message, request id and,
//! for expired credentials or throttling, what to do next), or anything else (with the full
//! cause chain).

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use super::context::AwsContext;

/// What AWS (or the way to it) refused, with the fix where one is known.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error(
        "cannot reach the AWS endpoint {endpoint} ({service} {operation}): {detail}. If you are \
         using the local emulator, start it (`make run` starts moto) and check that the \
         environment file's `emulator:` (or AWS_ENDPOINT_URL) points at it; otherwise check your \
         network or proxy settings."
    )]
    Unreachable {
        service: &'static str,
        operation: &'static str,
        endpoint: String,
        detail: String,
    },
    #[error(
        "no usable AWS credentials for {service} {operation}: {detail}. With `--profile NAME` \
         or AWS_PROFILE, check that profile in ~/.aws/config (or the file AWS_CONFIG_FILE \
         names); an IAM Identity Center (SSO) profile needs `aws sso login --profile NAME` \
         first. Without a profile, pass `--profile NAME` or set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY; for the local emulator any values work \
         (AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing)."
    )]
    NoCredentials {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
    #[error(
        "{service} {operation} at {endpoint} timed out: {detail} (on each of the SDK's attempts: \
         it tries a request up to three times, so the command waited longer than that). Check \
         that the endpoint is up and answering, then run the command again."
    )]
    Timeout {
        service: &'static str,
        operation: &'static str,
        endpoint: String,
        detail: String,
    },
    #[error(
        "{service} {operation}: the endpoint {endpoint} answered HTTP {status} with something that \
         is not an AWS answer ({detail}). Check that AWS_ENDPOINT_URL, or the environment file's \
         `emulator:`, points at AWS or at the emulator and not at a proxy, a captive portal or \
         another server; if it does, the service failed: run the command again later."
    )]
    NotAws {
        service: &'static str,
        operation: &'static str,
        endpoint: String,
        status: u16,
        detail: String,
    },
    #[error("{service} {operation} was refused: {failure}")]
    Service {
        service: &'static str,
        operation: &'static str,
        failure: ServiceFailure,
    },
    #[error("{service} {operation} failed: {detail}")]
    Other {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
}

/// The error a service returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFailure {
    /// Error code (`ValidationError`, `NoSuchBucket`, …); `Unknown` when the body had none.
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

impl fmt::Display for ServiceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(next) = next_step(&self.code) {
            write!(f, ". {next}")?;
        }
        Ok(())
    }
}

/// What to do about a refusal whose code says it, where the message does not.
fn next_step(code: &str) -> Option<&'static str> {
    match code {
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
            Some(
                "The credentials have expired: refresh them (for an IAM Identity Center profile, \
                 `aws sso login --profile NAME`) and run the command again",
            )
        }
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "SlowDown" => Some(
            "AWS is limiting this account's request rate: wait a minute and run the command again",
        ),
        _ => None,
    }
}

impl AwsError {
    /// The service's refusal, when that is what this is.
    pub fn service_failure(&self) -> Option<&ServiceFailure> {
        match self {
            AwsError::Service { failure, .. } => Some(failure),
            _ => None,
        }
    }

    /// True when the service refused the credentials this call (`AccessDenied…`).
    pub fn is_access_denied(&self) -> bool {
        self.service_failure()
            .is_some_and(|f| f.code.starts_with("AccessDenied"))
    }

    /// True when the service answered with `code` and a message containing `needle`.
    pub fn is_service(&self, code: &str, needle: &str) -> bool {
        self.service_failure()
            .is_some_and(|f| f.code == code && f.message.contains(needle))
    }
}

impl AwsContext {
    /// Classifies an SDK failure of `service`'s `operation`.
    pub fn fail<E, R>(
        &self,
        service: &'static str,
        operation: &'static str,
        err: SdkError<E, R>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let mut failed = classify(service, operation, self.endpoint_for(service), err);
        if let AwsError::NoCredentials { detail, .. } = &mut failed {
            detail.push_str(&credential_sources(self.profile()));
        }
        failed
    }
}

/// What the credential chain had to go on, for a "no credentials" message: the SDK names the
/// providers it tried, not the profile it looked for or a variable left half set.
fn credential_sources(profile: Option<&str>) -> String {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let mut seen = Vec::new();
    let named = profile.map(|p| (p.to_owned(), "--profile")).or_else(|| {
        std::env::var("AWS_PROFILE")
            .ok()
            .filter(|p| !p.is_empty())
            .map(|p| (p, "AWS_PROFILE"))
    });
    if let Some((name, from)) = named {
        let file = std::env::var("AWS_CONFIG_FILE").unwrap_or_else(|_| "~/.aws/config".to_owned());
        seen.push(format!("profile `{name}` ({from}) in {file}"));
    }
    match (set("AWS_ACCESS_KEY_ID"), set("AWS_SECRET_ACCESS_KEY")) {
        (true, false) => {
            seen.push("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_owned())
        }
        (false, true) => {
            seen.push("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_owned())
        }
        _ => {}
    }
    if seen.is_empty() {
        String::new()
    } else {
        format!(" (looked for: {})", seen.join("; "))
    }
}

/// Classifies an SDK failure of `service`'s `operation` sent to `endpoint` (for a client built
/// without an [`AwsContext`]; [`AwsContext::fail`] is the usual way).
pub fn classify<E, R>(
    service: &'static str,
    operation: &'static str,
    endpoint: String,
    err: SdkError<E, R>,
) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    let detail = cause_chain(&err);
    // A service's own refusal means the credentials resolved, whatever its message says.
    let answered = matches!(err, SdkError::ServiceError(_));
    if !answered && mentions_credentials(&detail) {
        return AwsError::NoCredentials {
            service,
            operation,
            detail,
        };
    }
    if let Some(status) = foreign_status(&err) {
        return AwsError::NotAws {
            service,
            operation,
            endpoint,
            status,
            detail: printable(&detail),
        };
    }
    match &err {
        SdkError::ServiceError(service_err) => {
            let e = service_err.err();
            AwsError::Service {
                service,
                operation,
                failure: ServiceFailure {
                    code: e.code().unwrap_or("Unknown").to_string(),
                    message: e.message().map_or_else(|| detail.clone(), str::to_string),
                    request_id: e.meta().extra("aws_request_id").map(str::to_string),
                },
            }
        }
        SdkError::TimeoutError(_) => AwsError::Timeout {
            service,
            operation,
            endpoint,
            detail,
        },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => AwsError::Timeout {
            service,
            operation,
            endpoint,
            detail,
        },
        SdkError::DispatchFailure(failure) if failure.is_io() || failure.is_other() => {
            AwsError::Unreachable {
                service,
                operation,
                endpoint,
                detail,
            }
        }
        _ => AwsError::Other {
            service,
            operation,
            detail,
        },
    }
}

/// The HTTP status of an answer with no AWS error code in it, from something that is not AWS
/// (an HTML error page, a proxy): it says more than the SDK's "unhandled error".
fn foreign_status<E, R>(err: &SdkError<E, R>) -> Option<u16>
where
    E: ProvideErrorMetadata,
    R: 'static,
{
    let status = |raw: &R| {
        (raw as &dyn std::any::Any)
            .downcast_ref::<HttpResponse>()
            .map(|r| r.status().as_u16())
            .filter(|s| *s >= 500 || !(400..500).contains(s))
    };
    match err {
        SdkError::ServiceError(e) if e.err().code().is_none() => status(e.raw()),
        SdkError::ResponseError(response) => status(response.raw()),
        _ => None,
    }
}

/// `err: cause: cause…` on one line, without repeating a cause the previous one already printed:
/// an SDK failure as a person reads it (the SDK's own `DisplayErrorContext` ends with a `Debug`
/// dump of the whole error).
/// `text` with control characters written as escapes (a binary body's NUL bytes end up in a
/// parser's message).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn cause_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    // One paragraph: the credential chain reports its attempts on separate lines.
    parts
        .join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn mentions_credentials(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    // The default chain ends with "no providers in chain provided credentials"; a client
    // without any provider fails auth-scheme selection ("no identity resolver"). A provider
    // that fails outright stops the chain with one of aws-credential-types' `CredentialsError`
    // texts: "an error occurred while loading credentials" (an instance metadata service that
    // refuses, a profile that cannot be read), "the credential provider was not enabled",
    // "credentials provider timed out", "unexpected credentials error".
    lower.contains("no credentials")
        || lower.contains("provided credentials")
        || lower.contains("while loading credentials")
        || lower.contains("credential provider")
        || lower.contains("credentials error")
        || lower.contains("credentials provider")
        || lower.contains("failed to load credentials")
        || lower.contains("could not load credentials")
        || lower.contains("no identity resolver")
}
