//! Publishing ui/ plus a generated config.js to a bucket on moto: uploaded with content types
//! and cache headers, an unchanged site costs one request, a removed file is removed.

mod support;

use stackgen::deploy::{SiteConfig, SiteStore, publish_site};
use support::{Moto, Recorded, TestResult};

#[tokio::test]
async fn the_site_is_uploaded_once_and_kept_in_step_with_ui() -> TestResult {
    let moto = Moto::start()?;
    let ctx = moto.context().await;
    ctx.s3.create_bucket().bucket("site").send().await?;
    let ui = std::env::temp_dir().join(format!("stackgen-site-{}", std::process::id()));
    std::fs::create_dir_all(ui.join("js"))?;
    std::fs::write(ui.join("index.html"), "<h1>grocer</h1>")?;
    std::fs::write(ui.join("js/app.js"), "console.log(1);")?;
    std::fs::write(ui.join("old.css"), "h1{}")?;
    std::fs::write(ui.join("config.js"), "window.STACKGEN_CONFIG = {};")?;
    let config = SiteConfig {
        api_base: "https://api.example/api".into(),
        env: "dev".into(),
        stores: vec![SiteStore {
            id: "store-01".into(),
            name: "Downtown".into(),
        }],
        photo_max_bytes: 5_242_880,
        auth: None,
    };
    let progress = Recorded::default();

    let first = publish_site(&ctx, "site", &ui, &config, None, &progress).await?;
    assert!(first.changed);
    assert_eq!(
        first.uploaded,
        ["config.js", "index.html", "js/app.js", "old.css"]
    );
    let html = ctx
        .s3
        .head_object()
        .bucket("site")
        .key("index.html")
        .send()
        .await?;
    assert_eq!(html.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(html.cache_control(), Some("no-cache"));
    let js = ctx
        .s3
        .head_object()
        .bucket("site")
        .key("js/app.js")
        .send()
        .await?;
    assert_eq!(js.cache_control(), Some("public, max-age=3600"));
    let generated = ctx
        .s3
        .get_object()
        .bucket("site")
        .key("config.js")
        .send()
        .await?;
    let text = String::from_utf8(generated.body.collect().await?.to_vec())?;
    assert!(
        text.contains("\"apiBase\":\"https://api.example/api\""),
        "{text}"
    );

    let before = ctx.api_calls();
    let again = publish_site(&ctx, "site", &ui, &config, None, &progress).await?;
    assert!(!again.changed && again.uploaded.is_empty());
    assert_eq!(
        ctx.counter().since(before),
        1,
        "an unchanged site is one HeadObject"
    );

    std::fs::remove_file(ui.join("old.css"))?;
    let third = publish_site(&ctx, "site", &ui, &config, None, &progress).await?;
    assert!(third.changed);
    assert_eq!(third.deleted, ["old.css"]);
    let _ = std::fs::remove_dir_all(ui);
    Ok(())
}
