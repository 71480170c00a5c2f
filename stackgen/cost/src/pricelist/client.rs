//! GetProducts over the AWS SDK: every page of one query, each query asked once per run, and
//! optionally each answer written to disk as a recording (`prices refresh --record DIR`).
//!
//! The Price List Query API is served from a few regions only; stackgen asks us-east-1's
//! endpoint, which answers for every region ("AWS Price List Query API endpoints":
//! <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-price-list-query-api.html>).
//! A recording is the request (service code, filters) and the pages as AWS sent them, in the
//! same shape the tests replay; an empty answer is recorded too, since "no product" is an
//! answer the refresh acts on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aws_sdk_pricing::types::{Filter, FilterType};
use serde::{Deserialize, Serialize};

use stackgen_aws::{AwsContext, AwsError, AwsTarget};

/// More pages than this for one meter's query means the query is far too broad.
const MAX_PAGES: usize = 100;

/// The region whose Price List endpoint stackgen asks.
pub const PRICING_REGION: &str = "us-east-1";

/// One GetProducts query: a service code and exact-match filters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Request {
    #[serde(rename = "ServiceCode")]
    pub service_code: String,
    #[serde(rename = "Filters")]
    pub filters: Vec<RequestFilter>,
}

/// A `TERM_MATCH` filter as the wire carries it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestFilter {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Field")]
    pub field: String,
    #[serde(rename = "Value")]
    pub value: String,
}

impl Request {
    pub fn new(service_code: &str, filters: &[(&str, &str)]) -> Request {
        let mut filters: Vec<RequestFilter> = filters
            .iter()
            .map(|(field, value)| RequestFilter {
                kind: "TERM_MATCH".into(),
                field: (*field).to_string(),
                value: (*value).to_string(),
            })
            .collect();
        filters.sort();
        Request {
            service_code: service_code.to_string(),
            filters,
        }
    }

    /// `AWSLambda regionCode=eu-west-1 group=AWS-Lambda-Requests`, for messages.
    pub fn describe(&self) -> String {
        let filters: Vec<String> = self
            .filters
            .iter()
            .map(|f| format!("{}={}", f.field, f.value))
            .collect();
        format!("{} {}", self.service_code, filters.join(" "))
    }
}

/// A query and every page of its answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recording {
    pub request: Request,
    /// The `PriceList` of each page, in order.
    pub pages: Vec<Vec<String>>,
}

/// Asks the Price List, once per distinct query.
pub struct PriceList {
    ctx: AwsContext,
    client: aws_sdk_pricing::Client,
    record: Option<PathBuf>,
    answers: BTreeMap<Request, Vec<String>>,
    pub requests: u64,
}

impl PriceList {
    /// A client of us-east-1's Price List endpoint (or `endpoint_url`), with the default
    /// credential chain or `profile`.
    pub async fn connect(
        endpoint_url: Option<String>,
        profile: Option<String>,
        record: Option<PathBuf>,
    ) -> PriceList {
        let target = AwsTarget {
            endpoint_url,
            profile,
            ..AwsTarget::in_region(PRICING_REGION)
        };
        let ctx = AwsContext::connect(&target).await;
        let client = aws_sdk_pricing::Client::new(ctx.config());
        PriceList {
            ctx,
            client,
            record,
            answers: BTreeMap::new(),
            requests: 0,
        }
    }

    /// Every product the query returns (each a JSON document), all pages.
    pub async fn products(
        &mut self,
        request: &Request,
        name: &str,
    ) -> Result<&[String], PriceListError> {
        if !self.answers.contains_key(request) {
            let pages = self.fetch(request).await?;
            if let Some(dir) = &self.record {
                write_recording(dir, name, request, &pages)?;
            }
            self.answers.insert(request.clone(), pages.concat());
        }
        Ok(self.answers.get(request).map_or(&[], Vec::as_slice))
    }

    async fn fetch(&mut self, request: &Request) -> Result<Vec<Vec<String>>, PriceListError> {
        let filters: Vec<Filter> = request
            .filters
            .iter()
            .map(|f| {
                Filter::builder()
                    .r#type(FilterType::from(f.kind.as_str()))
                    .field(&f.field)
                    .value(&f.value)
                    .build()
            })
            .collect::<Result<_, _>>()
            .map_err(|e| PriceListError::Request(e.to_string()))?;
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .get_products()
                .service_code(&request.service_code)
                .set_filters(Some(filters.clone()))
                .format_version("aws_v1")
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| PriceListError::Aws(self.ctx.fail("pricing", "GetProducts", e)))?;
            self.requests += 1;
            pages.push(out.price_list().to_vec());
            match out.next_token() {
                Some(t) if !t.is_empty() && pages.len() >= MAX_PAGES => {
                    return Err(PriceListError::TooManyPages {
                        request: request.describe(),
                    });
                }
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(pages)
    }
}

fn write_recording(
    dir: &Path,
    name: &str,
    request: &Request,
    pages: &[Vec<String>],
) -> Result<(), PriceListError> {
    let recording = Recording {
        request: request.clone(),
        pages: pages.to_vec(),
    };
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(&recording).unwrap_or_default() + "\n";
    std::fs::create_dir_all(path.parent().unwrap_or(dir))
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| PriceListError::Record {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
}

/// Why the Price List could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum PriceListError {
    #[error(transparent)]
    Aws(AwsError),
    #[error(
        "`{request}` answers with more than {MAX_PAGES} pages: the query in \
         cost/pricelist/meters.rs is far too broad for one meter"
    )]
    TooManyPages { request: String },
    #[error("could not build the GetProducts request: {0}")]
    Request(String),
    #[error("could not write the recording {path}: {detail}")]
    Record { path: String, detail: String },
}
