//! Building the SDK clients for one target (region, profile, endpoint).
//!
//! The region comes from the environment file, never from the caller's shell, so `--env dev`
//! always means dev's region. `AWS_ENDPOINT_URL` (and the per-service variants) are read by
//! aws-config itself; an explicit endpoint or static credentials can also be passed in, which is
//! what an environment on the local emulator (`emulator:`), the tests and the local runner use
//! instead of the process environment.

use aws_config::{Region, SdkConfig};

use super::counter::ApiCallCounter;

/// Where to send requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsTarget {
    /// AWS region, from the environment file (`region:`).
    pub region: String,
    /// Named profile from `~/.aws/config` (`--profile`); `None` = the default credential chain.
    pub profile: Option<String>,
    /// Explicit endpoint; `None` = what aws-config resolves (including `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Explicit credentials; `None` = the default credential chain (env, profile, SSO, IMDS, …).
    pub credentials: Option<StaticCredentials>,
}

impl AwsTarget {
    /// A target in `region` using the default chains for everything else.
    pub fn in_region(region: impl Into<String>) -> Self {
        AwsTarget {
            region: region.into(),
            profile: None,
            endpoint_url: None,
            credentials: None,
        }
    }
}

/// An access key pair passed explicitly (the local emulator accepts any).
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl StaticCredentials {
    /// The pair the local emulator is given: moto accepts any, and these are its documented
    /// `testing` values.
    pub fn emulator() -> Self {
        StaticCredentials {
            access_key_id: "testing".to_owned(),
            secret_access_key: "testing".to_owned(),
        }
    }
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// SDK clients for one target, all counting their requests into one [`ApiCallCounter`].
#[derive(Debug, Clone)]
pub struct AwsContext {
    config: SdkConfig,
    /// The named profile the configuration was loaded with (`--profile`), for error messages.
    profile: Option<String>,
    counter: ApiCallCounter,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub s3: aws_sdk_s3::Client,
    pub sts: aws_sdk_sts::Client,
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

impl AwsContext {
    /// Loads configuration for `target` and builds the clients. Makes no request: a missing
    /// credential or an unreachable endpoint shows up (as an [`AwsError`](super::AwsError)) on
    /// the first call.
    pub async fn connect(target: &AwsTarget) -> AwsContext {
        let mut loader = super::config_loader().region(Region::new(target.region.clone()));
        if let Some(profile) = &target.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &target.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(creds) = &target.credentials {
            loader = loader.credentials_provider(aws_sdk_sts::config::Credentials::new(
                creds.access_key_id.clone(),
                creds.secret_access_key.clone(),
                None,
                None,
                "stackgen-explicit",
            ));
        }
        let config = loader.load().await;
        let mut ctx = Self::from_config(config);
        ctx.profile = target.profile.clone();
        ctx
    }

    /// The named profile given to [`connect`](Self::connect), if any.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// Builds the clients from an already loaded configuration.
    pub fn from_config(config: SdkConfig) -> AwsContext {
        let counter = ApiCallCounter::new();
        let cloudformation = aws_sdk_cloudformation::Client::from_conf(
            aws_sdk_cloudformation::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        let tagging = aws_sdk_resourcegroupstagging::Client::from_conf(
            aws_sdk_resourcegroupstagging::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        let cloudfront = aws_sdk_cloudfront::Client::from_conf(
            aws_sdk_cloudfront::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&config)
                .interceptor(counter.clone())
                .build(),
        );
        AwsContext {
            config,
            profile: None,
            counter,
            cloudformation,
            s3,
            sts,
            tagging,
            cloudfront,
            logs,
        }
    }

    /// The same credentials, profile and endpoint in another region (an environment's stack in
    /// us-east-1).
    pub fn in_region(&self, region: &str) -> AwsContext {
        if self.region() == region {
            return self.clone_clients();
        }
        let mut ctx = Self::from_config(
            self.config
                .to_builder()
                .region(Region::new(region.to_owned()))
                .build(),
        );
        ctx.profile = self.profile.clone();
        ctx
    }

    fn clone_clients(&self) -> AwsContext {
        let mut ctx = Self::from_config(self.config.clone());
        ctx.profile = self.profile.clone();
        ctx
    }

    /// The loaded configuration (region, profile, credentials, endpoint), for a command that
    /// needs a client of another service; build it from this so it reaches the same endpoint.
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// The region requests go to.
    pub fn region(&self) -> &str {
        self.config.region().map(Region::as_ref).unwrap_or("")
    }

    /// The endpoint override in force (explicit or `AWS_ENDPOINT_URL`), if any.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.config.endpoint_url()
    }

    /// Where a request for `service` (e.g. `cloudformation`) goes, for error messages.
    pub fn endpoint_for(&self, service: &str) -> String {
        match self.endpoint_override() {
            Some(url) => url.to_string(),
            None => format!("https://{service}.{}.amazonaws.com", self.region()),
        }
    }

    /// The shared request counter.
    pub fn counter(&self) -> &ApiCallCounter {
        &self.counter
    }

    /// Requests sent so far by every client of this context.
    pub fn api_calls(&self) -> u64 {
        self.counter.count()
    }
}
