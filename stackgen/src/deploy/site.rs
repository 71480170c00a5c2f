//! Publishing the storefront: `ui/` plus a generated `config.js` into the site bucket, then a
//! CDN invalidation when there is a CDN.
//!
//! Every file gets its content type and a cache policy (HTML and `config.js` are revalidated on
//! every load, the rest cached for an hour). The whole site — paths, bytes and `config.js` — is
//! hashed into one sha256 kept as metadata on a marker object (`.stackgen/site`); an unchanged
//! site costs one HeadObject, which is what keeps a no-op deploy within three requests. A changed
//! site is uploaded whole, objects no longer in `ui/` are deleted, and the marker written last,
//! so an interrupted upload is redone on the next run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
use aws_sdk_s3::primitives::ByteStream;
use sha2::{Digest, Sha256};

use super::error::DeployError;
use super::objects::delete_objects;
use super::progress::Progress;
use crate::aws::{AwsContext, AwsError};

/// The marker object holding the deployed site's hash.
pub const MARKER_KEY: &str = ".stackgen/site";
const HASH_METADATA: &str = "content-sha256";

pub use crate::storefront::{SiteConfig, SiteStore};

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteReport {
    /// False: the deployed site already had this content (one HeadObject, nothing sent).
    pub changed: bool,
    pub uploaded: Vec<String>,
    pub deleted: Vec<String>,
    /// The CloudFront invalidation id, when one was created.
    pub invalidation: Option<String>,
    pub sha256: String,
}

struct SiteFile {
    key: String,
    body: Vec<u8>,
}

/// Uploads `ui_dir` and `config` to `bucket` unless unchanged; invalidates `distribution_id`'s
/// cache when given and something changed.
pub async fn publish_site(
    ctx: &AwsContext,
    bucket: &str,
    ui_dir: &Path,
    config: &SiteConfig,
    distribution_id: Option<&str>,
    progress: &dyn Progress,
) -> Result<SiteReport, DeployError> {
    let mut files = read_tree(ui_dir)?;
    files.retain(|f| f.key != "config.js");
    files.push(SiteFile {
        key: "config.js".into(),
        body: config.script().into_bytes(),
    });
    files.sort_by(|a, b| a.key.cmp(&b.key));
    let sha256 = site_hash(&files);
    if deployed_hash(ctx, bucket).await?.as_deref() == Some(sha256.as_str()) {
        return Ok(SiteReport {
            sha256,
            ..SiteReport::default()
        });
    }
    progress.step(&format!(
        "uploading the site ({} files) to s3://{bucket}",
        files.len()
    ));
    let mut report = SiteReport {
        changed: true,
        sha256: sha256.clone(),
        ..SiteReport::default()
    };
    for file in &files {
        let (content_type, cache) = headers_for(&file.key);
        ctx.s3
            .put_object()
            .bucket(bucket)
            .key(&file.key)
            .content_type(content_type)
            .cache_control(cache)
            .body(ByteStream::from(file.body.clone()))
            .send()
            .await
            .map_err(|e| ctx.fail("s3", "PutObject", e))?;
        report.uploaded.push(file.key.clone());
    }
    let keep: BTreeSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
    report.deleted = delete_stale(ctx, bucket, &keep).await?;
    if let Some(id) = distribution_id {
        report.invalidation = Some(invalidate(ctx, id, &sha256).await?);
    }
    ctx.s3
        .put_object()
        .bucket(bucket)
        .key(MARKER_KEY)
        .metadata(HASH_METADATA, &sha256)
        .content_type("text/plain")
        .cache_control("no-store")
        .body(ByteStream::from(sha256.clone().into_bytes()))
        .send()
        .await
        .map_err(|e| ctx.fail("s3", "PutObject", e))?;
    Ok(report)
}

/// Content type and Cache-Control for a key.
pub fn headers_for(key: &str) -> (&'static str, &'static str) {
    let cache = if key.ends_with(".html") || key == "config.js" {
        "no-cache"
    } else {
        "public, max-age=3600"
    };
    (crate::storefront::content_type(key), cache)
}

fn site_hash(files: &[SiteFile]) -> String {
    let mut hasher = Sha256::new();
    for f in files {
        hasher.update(f.key.as_bytes());
        hasher.update([0]);
        hasher.update((f.body.len() as u64).to_be_bytes());
        hasher.update(&f.body);
    }
    hex::encode(hasher.finalize())
}

fn read_tree(root: &Path) -> Result<Vec<SiteFile>, DeployError> {
    let io = |path: &Path, source| DeployError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut out = Vec::new();
    let mut pending: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let path = entry.map_err(|e| io(&dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let body = std::fs::read(&path).map_err(|e| io(&path, e))?;
                out.push(SiteFile { key, body });
            }
        }
    }
    Ok(out)
}

async fn deployed_hash(ctx: &AwsContext, bucket: &str) -> Result<Option<String>, AwsError> {
    match ctx
        .s3
        .head_object()
        .bucket(bucket)
        .key(MARKER_KEY)
        .send()
        .await
    {
        Ok(out) => Ok(out.metadata().and_then(|m| m.get(HASH_METADATA)).cloned()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
        Err(e) => Err(ctx.fail("s3", "HeadObject", e)),
    }
}

async fn delete_stale(
    ctx: &AwsContext,
    bucket: &str,
    keep: &BTreeSet<&str>,
) -> Result<Vec<String>, AwsError> {
    let mut stale = Vec::new();
    let mut pages = ctx
        .s3
        .list_objects_v2()
        .bucket(bucket)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| ctx.fail("s3", "ListObjectsV2", e))?;
        stale.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key())
                .filter(|k| *k != MARKER_KEY && !keep.contains(k))
                .map(str::to_string),
        );
    }
    let ids: Vec<(String, Option<String>)> = stale.iter().map(|k| (k.clone(), None)).collect();
    delete_objects(ctx, bucket, &ids).await?;
    Ok(stale)
}

/// Invalidates everything (`/*`: one path, the free tier counts paths) and returns the id.
async fn invalidate(
    ctx: &AwsContext,
    distribution_id: &str,
    sha256: &str,
) -> Result<String, DeployError> {
    let paths = Paths::builder()
        .quantity(1)
        .items("/*")
        .build()
        .map_err(|e| DeployError::Invalid(e.to_string()))?;
    let batch = InvalidationBatch::builder()
        .paths(paths)
        .caller_reference(format!("stackgen-{sha256}"))
        .build()
        .map_err(|e| DeployError::Invalid(e.to_string()))?;
    let out = ctx
        .cloudfront
        .create_invalidation()
        .distribution_id(distribution_id)
        .invalidation_batch(batch)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudfront", "CreateInvalidation", e))?;
    Ok(out
        .invalidation()
        .map(|i| i.id().to_string())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_revalidated_and_assets_cached() {
        assert_eq!(
            headers_for("index.html"),
            ("text/html; charset=utf-8", "no-cache")
        );
        assert_eq!(headers_for("config.js").1, "no-cache");
        assert_eq!(
            headers_for("js/api.js"),
            ("text/javascript; charset=utf-8", "public, max-age=3600")
        );
        assert_eq!(headers_for("favicon.svg").0, "image/svg+xml");
    }

    #[test]
    fn config_js_sets_the_global_the_pages_read() {
        let js = SiteConfig {
            api_base: "https://x/api".into(),
            env: "dev".into(),
            stores: vec![SiteStore {
                id: "store-01".into(),
                name: "Downtown".into(),
            }],
            photo_max_bytes: 5_242_880,
            auth: Some(crate::storefront::SiteAuth::aws(
                "eu-west-1",
                "eu-west-1_abc",
                "client1",
            )),
        }
        .script();
        assert!(js.contains("window.STACKGEN_CONFIG = {"));
        assert!(js.contains("\"apiBase\":\"https://x/api\""));
        assert!(js.contains("\"id\":\"store-01\""));
        assert!(js.contains(
            r#""auth":{"region":"eu-west-1","userPoolId":"eu-west-1_abc","clientId":"client1","endpoint":"https://cognito-idp.eu-west-1.amazonaws.com/","password":{"minLength":10,"lowercase":true,"uppercase":true,"digits":true,"symbols":false}}"#
        ));
    }
}
