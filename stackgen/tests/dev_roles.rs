//! Each function held to its role on the emulator (`stackgen::dev::roles`): the role's
//! statements resolved against the deployed stack, given to the project's emulator, and a call
//! with the function's key that no statement allows answered with the service's AccessDenied
//! through the AWS SDK, as IAM answers it (JSON, REST-XML and query protocols); what the role
//! allows goes through; a Multi-Object Delete is refused key by key; a key held to nothing is
//! not checked.

mod dev_support;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeDefinition, AttributeValue, KeySchemaElement};
use dev_support::{Moto, TestResult};
use serde_json::{Value, json};
use stackgen::dev::plan::{DeployedResource, DeployedStack, FunctionPlan, Resolver};
use stackgen::dev::roles::{self, Installed};
use stackgen::dev::{EmulatorAccess, function_key_id};

const TABLE: &str = "grocer-roles-products";
const BUCKET: &str = "grocer-roles-photos";

fn template() -> Value {
    json!({
        "Resources": {
            "ProductsTable": {"Type": "AWS::DynamoDB::Table"},
            "PhotosBucket": {"Type": "AWS::S3::Bucket"},
            "CatalogFunctionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"Policies": [{"PolicyName": "least-privilege", "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Sid": "ReadProductsTable", "Effect": "Allow",
                         "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                         "Resource": [{"Fn::GetAtt": ["ProductsTable", "Arn"]},
                                      {"Fn::Sub": "${ProductsTable.Arn}/index/*"}]},
                        {"Sid": "ReadPhotos", "Effect": "Allow",
                         "Action": ["s3:GetObject", "s3:DeleteObject"],
                         "Resource": {"Fn::Sub": "${PhotosBucket.Arn}/photos/*"}},
                        {"Sid": "Gone", "Effect": "Allow", "Action": "sqs:SendMessage",
                         "Resource": {"Ref": "NotDeployedTopic"}}
                    ]}}]}
            },
            "CatalogFunction": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Role": {"Fn::GetAtt": ["CatalogFunctionRole", "Arn"]}}
            }
        }
    })
}

fn deployed() -> DeployedStack {
    let mut stack = DeployedStack {
        name: "grocer-roles".into(),
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        ..Default::default()
    };
    for (logical, kind, physical) in [
        ("ProductsTable", "AWS::DynamoDB::Table", TABLE),
        ("PhotosBucket", "AWS::S3::Bucket", BUCKET),
        (
            "CatalogFunctionRole",
            "AWS::IAM::Role",
            "grocer-roles-catalog-role",
        ),
    ] {
        stack.resources.insert(
            logical.into(),
            DeployedResource {
                resource_type: kind.into(),
                physical_id: physical.into(),
            },
        );
    }
    stack
}

fn catalog() -> FunctionPlan {
    FunctionPlan {
        id: "catalog".into(),
        logical_id: "CatalogFunction".into(),
        name: "grocer-roles-catalog".into(),
        arn: "arn:aws:lambda:us-east-1:123456789012:function:grocer-roles-catalog".into(),
        binary: "/nowhere/bootstrap".into(),
        handler: "catalog".into(),
        memory_mb: 128,
        timeout: Duration::from_secs(3),
        variables: BTreeMap::new(),
        log_group: "/aws/lambda/grocer-roles-catalog".into(),
        log_format: None,
        log_level: None,
    }
}

/// The SDK configuration of a function signing with `key`, as `stackgen dev` gives it.
async fn as_key(moto: &Moto, key: &str) -> aws_config::SdkConfig {
    stackgen::aws::config_loader()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            key, "testing", None, None, "test",
        ))
        .load()
        .await
}

async fn create_resources(admin: &aws_config::SdkConfig) -> TestResult {
    let ddb = aws_sdk_dynamodb::Client::new(admin);
    ddb.create_table()
        .table_name(TABLE)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type("HASH".into())
                .build()?,
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type("S".into())
                .build()?,
        )
        .billing_mode("PAY_PER_REQUEST".into())
        .send()
        .await?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(admin)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket(BUCKET).send().await?;
    for key in ["photos/apple.jpg", "private/ledger.csv"] {
        s3.put_object()
            .bucket(BUCKET)
            .key(key)
            .body(b"x".to_vec().into())
            .send()
            .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_the_role_does_not_allow_is_refused_as_iam_refuses_it() -> TestResult {
    let (template, stack) = (template(), deployed());
    let emulator = EmulatorAccess::moto("http://127.0.0.1:1", "us-east-1");
    let policies = roles::plan(
        &Resolver::new(&template, &stack),
        &[catalog()],
        &emulator,
        "123456789012",
    );
    let key = function_key_id(&emulator, "catalog");
    let policy = policies
        .keys
        .get(&key)
        .ok_or("no policy for the catalog's key")?;
    assert_eq!(
        policy.principal,
        "arn:aws:sts::123456789012:assumed-role/grocer-roles-catalog-role/grocer-roles-catalog"
    );
    assert_eq!(
        policy.statements[0].resources,
        [
            format!("arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}"),
            format!("arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/index/*"),
        ]
    );
    // A resource that does not resolve here is said, and taken as any (never a false refusal).
    assert!(
        policies
            .notes
            .iter()
            .any(|n| n.contains("Gone") && n.contains("taken as any")),
        "{:?}",
        policies.notes
    );
    // Nothing listens on port 1: not enforced, and why.
    assert!(matches!(
        roles::install(&emulator, &policies).await,
        Installed::NotEnforced(_)
    ));

    let moto = Moto::start()?;
    create_resources(&moto.sdk_config().await).await?;
    let emulator = EmulatorAccess::moto(moto.endpoint(), "us-east-1");
    assert_eq!(
        roles::install(&emulator, &policies).await,
        Installed::Enforced(1)
    );

    let function = as_key(&moto, &key).await;
    let ddb = aws_sdk_dynamodb::Client::new(&function);
    let id = AttributeValue::S("apple".into());
    ddb.get_item()
        .table_name(TABLE)
        .key("id", id.clone())
        .send()
        .await?;
    let refused = ddb
        .put_item()
        .table_name(TABLE)
        .item("id", id)
        .send()
        .await
        .expect_err("PutItem is not in the role");
    let refused = refused.into_service_error();
    assert_eq!(refused.meta().code(), Some("AccessDeniedException"));
    let message = refused.meta().message().unwrap_or_default();
    assert!(
        message.contains("assumed-role/grocer-roles-catalog-role/grocer-roles-catalog is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/grocer-roles-products"),
        "{message}"
    );

    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&function)
            .force_path_style(true)
            .build(),
    );
    s3.get_object()
        .bucket(BUCKET)
        .key("photos/apple.jpg")
        .send()
        .await?;
    let refused = s3
        .get_object()
        .bucket(BUCKET)
        .key("private/ledger.csv")
        .send()
        .await
        .expect_err("only photos/* is readable");
    assert_eq!(
        refused.into_service_error().meta().code(),
        Some("AccessDenied")
    );
    // A Multi-Object Delete deletes what the role allows and reports the rest, key by key.
    let ids = ["photos/apple.jpg", "private/ledger.csv"].map(|k| {
        aws_sdk_s3::types::ObjectIdentifier::builder()
            .key(k)
            .build()
    });
    let delete = aws_sdk_s3::types::Delete::builder()
        .set_objects(Some(ids.into_iter().collect::<Result<_, _>>()?))
        .build()?;
    let answer = s3
        .delete_objects()
        .bucket(BUCKET)
        .delete(delete)
        .send()
        .await?;
    let deleted: Vec<_> = answer.deleted().iter().filter_map(|d| d.key()).collect();
    let errors: Vec<_> = answer
        .errors()
        .iter()
        .map(|e| (e.key(), e.code()))
        .collect();
    assert_eq!(deleted, ["photos/apple.jpg"]);
    assert_eq!(errors, [(Some("private/ledger.csv"), Some("AccessDenied"))]);

    // A query-protocol service: the SDK reads SNS's AuthorizationError, code and message.
    let sns = aws_sdk_sns::Client::new(&function);
    let refused = sns
        .publish()
        .topic_arn("arn:aws:sns:us-east-1:123456789012:grocer-roles-alerts")
        .message("low stock")
        .send()
        .await
        .expect_err("no statement allows sns:Publish");
    let refused = refused.into_service_error();
    assert_eq!(refused.meta().code(), Some("AuthorizationError"));
    assert!(
        refused
            .meta()
            .message()
            .unwrap_or_default()
            .contains("sns:Publish on resource"),
        "{refused:?}"
    );

    // The emulator's own key (stackgen dev, the deploy) is held to nothing.
    let admin = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
    admin
        .put_item()
        .table_name(TABLE)
        .item("id", AttributeValue::S("pear".into()))
        .send()
        .await?;
    Ok(())
}
