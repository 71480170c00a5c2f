//! Shared by the `diff_*` integration tests: a realistic slice of the deployed retail stack,
//! as rendered JSON and as the YAML (short-form tags) someone would save from the console.

#![allow(dead_code)]

use serde_json::{Value, json};

/// The deployed retail slice: orders table, reports bucket, events queue, one function with
/// its role, log group and API permission, and the API itself.
pub fn deployed() -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "retail dev",
        "Parameters": {
            "AssetKey": {"Type": "String", "Description": "S3 key of the catalog function zip"},
            "LogRetentionDays": {"Type": "Number", "Default": 7}
        },
        "Resources": {
            "OrdersTable": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": {
                    "TableName": "retail-dev-orders",
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "sk", "AttributeType": "S"}
                    ],
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"}
                    ],
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false},
                    "Tags": [
                        {"Key": "Project", "Value": "retail"},
                        {"Key": "Env", "Value": "dev"}
                    ]
                }
            },
            "ReportsBucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Delete",
                "Properties": {
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": true, "BlockPublicPolicy": true,
                        "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                    }
                }
            },
            "OrderEventsQueue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"VisibilityTimeout": 60, "MessageRetentionPeriod": 345600}
            },
            "CatalogFunctionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                    },
                    "Policies": [{
                        "PolicyName": "table-read",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow",
                            "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                            "Resource": {"Fn::GetAtt": ["OrdersTable", "Arn"]}
                        }]}
                    }]
                }
            },
            "CatalogFunctionLogs": {
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Delete",
                "Properties": {
                    "LogGroupName": "/aws/lambda/retail-dev-catalog",
                    "RetentionInDays": {"Ref": "LogRetentionDays"}
                }
            },
            "CatalogFunction": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["CatalogFunctionLogs"],
                "Properties": {
                    "FunctionName": "retail-dev-catalog",
                    "Runtime": "provided.al2023",
                    "Architectures": ["arm64"],
                    "Handler": "bootstrap",
                    "MemorySize": 128,
                    "Timeout": 10,
                    "Code": {"S3Bucket": "retail-assets", "S3Key": {"Ref": "AssetKey"}},
                    "Role": {"Fn::GetAtt": ["CatalogFunctionRole", "Arn"]},
                    "Environment": {"Variables": {"ORDERS_TABLE": {"Ref": "OrdersTable"}}}
                }
            },
            "CatalogFunctionPermission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Fn::GetAtt": ["CatalogFunction", "Arn"]},
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"}
                }
            },
            "HttpApi": {
                "Type": "AWS::ApiGatewayV2::Api",
                "Properties": {"Name": "retail-dev", "ProtocolType": "HTTP"}
            }
        },
        "Outputs": {
            "ApiUrl": {"Value": {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/api"}}
        }
    })
}

pub fn resources_mut(t: &mut Value) -> &mut serde_json::Map<String, Value> {
    t["Resources"]
        .as_object_mut()
        .expect("Resources is a mapping")
}

/// The same template as [`deployed`], written as hand-saved YAML with short-form tags.
pub const DEPLOYED_YAML: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Description: retail dev
Parameters:
  AssetKey:
    Type: String
    Description: S3 key of the catalog function zip
  LogRetentionDays:
    Type: Number
    Default: 7
Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Delete
    UpdateReplacePolicy: Delete
    Properties:
      TableName: retail-dev-orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: false
      Tags:
        - {Key: Project, Value: retail}
        - {Key: Env, Value: dev}
  ReportsBucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Delete
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
  OrderEventsQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: "60"
      MessageRetentionPeriod: 345600
  CatalogFunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: table-read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:Query]
                Resource: !GetAtt OrdersTable.Arn
  CatalogFunctionLogs:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: Delete
    Properties:
      LogGroupName: /aws/lambda/retail-dev-catalog
      RetentionInDays: !Ref LogRetentionDays
  CatalogFunction:
    Type: AWS::Lambda::Function
    DependsOn: CatalogFunctionLogs
    Properties:
      FunctionName: retail-dev-catalog
      Runtime: provided.al2023
      Architectures: [arm64]
      Handler: bootstrap
      MemorySize: 128
      Timeout: 10
      Code:
        S3Bucket: retail-assets
        S3Key: !Ref AssetKey
      Role: !GetAtt CatalogFunctionRole.Arn
      Environment:
        Variables:
          ORDERS_TABLE: !Ref OrdersTable
  CatalogFunctionPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt CatalogFunction.Arn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"
  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: retail-dev
      ProtocolType: HTTP
Outputs:
  ApiUrl:
    Value: !Sub "https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/api"
"#;
