//! The store's staff: the members of the deployed user pool's `staff` group.
//!
//! Staff accounts are made by operators, never by self sign-up: [`add`] creates the user (Cognito
//! emails a temporary password, unless a password is given) and puts them in the group;
//! [`remove`] takes them out of it and signs them out everywhere, so their refresh token cannot
//! mint another staff token (an access token already issued stays valid until it expires, an
//! hour at most); [`list`] reads the group. The pool is the stack's `UserPoolId` output.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, DeliveryMediumType, SoftwareTokenMfaSettingsType, UserType,
};
use retail_spec::STAFF_GROUP;
use serde::Serialize;

use super::stack::describe_stack;
use crate::aws::{AwsContext, AwsError};
use crate::stack::outputs::USER_POOL_ID;

/// Why a staff operation could not be done.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(
        "the stack {stack} is not deployed in this account and region, so it has no user pool; deploy it first (`stackgen deploy --env {env}`)"
    )]
    NotDeployed { stack: String, env: String },
    #[error(
        "the stack {stack} has no {USER_POOL_ID} output: it was deployed before stackgen managed accounts; redeploy it (`stackgen deploy --env {env}`)"
    )]
    NoPool { stack: String, env: String },
    #[error(
        "{email:?} is not an email address the user pool takes: accounts sign in with a plain address of at most {MAX_USERNAME} characters (for example ana@example.com)"
    )]
    NotAnEmail { email: String },
    #[error(
        "the password lacks {missing}, which the user pool requires; choose another (or leave --password out and Cognito emails a temporary one)"
    )]
    WeakPassword { missing: String },
    #[error(
        "the password {problem}; choose another (or leave --password out and Cognito emails a temporary one)"
    )]
    UnusablePassword { problem: &'static str },
    #[error(
        "no account {email} in the user pool {pool}; check the spelling (for staff, `stackgen staff list --env {env}` lists them)"
    )]
    UnknownUser {
        email: String,
        pool: String,
        env: String,
    },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// One staff member as the pool reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    pub email: String,
    /// Cognito's user status: `CONFIRMED`, `FORCE_CHANGE_PASSWORD` (has not signed in yet), …
    pub status: String,
    pub enabled: bool,
    /// Whether they have an authenticator app (TOTP MFA), which every sign-in then asks for.
    pub authenticator: bool,
}

/// What [`add`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    pub email: String,
    /// The account was created now (else it existed, e.g. a customer becoming staff).
    pub created: bool,
    /// They were in the group already.
    pub already_staff: bool,
}

/// The deployed stack's user pool id.
pub async fn pool_of(ctx: &AwsContext, stack: &str, env: &str) -> Result<String, StaffError> {
    let snapshot = describe_stack(ctx, stack)
        .await?
        .filter(|s| s.status != "DELETE_COMPLETE")
        .ok_or_else(|| StaffError::NotDeployed {
            stack: stack.to_owned(),
            env: env.to_owned(),
        })?;
    snapshot
        .outputs
        .get(USER_POOL_ID)
        .filter(|id| !id.is_empty() && !id.contains("${"))
        .cloned()
        .ok_or_else(|| StaffError::NoPool {
            stack: stack.to_owned(),
            env: env.to_owned(),
        })
}

fn client(ctx: &AwsContext) -> Client {
    Client::new(ctx.config())
}

/// What can be checked before any AWS call: the email, and the password against the pool's
/// policy (a refused password would leave a created account without one).
pub fn precheck(email: &str, password: Option<&str>) -> Result<(), StaffError> {
    check_email(email)?;
    let Some(password) = password else {
        return Ok(());
    };
    if let Some(problem) = password_problem(password) {
        return Err(StaffError::UnusablePassword { problem });
    }
    match retail_spec::PASSWORD_POLICY.missing(password) {
        Some(missing) => Err(StaffError::WeakPassword { missing }),
        None => Ok(()),
    }
}

/// Cognito's longest user name and password (AWS's API model of `cognito-idp`, 2016-04-18:
/// `UsernameType` and `PasswordType`, "max": 128 and 256). A name or password past them is
/// refused by AdminCreateUser or AdminSetUserPassword, the second after the account exists.
const MAX_USERNAME: usize = 128;
const MAX_PASSWORD: usize = 256;

/// What makes `password` unusable whatever the pool's policy, checked before any account is
/// made: too long for Cognito, or with a space at either end (a slip of copy and paste that
/// nobody sees, and that the next sign-in would not repeat).
fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() > MAX_PASSWORD {
        Some("is longer than the 256 characters Cognito takes")
    } else if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
        Some("starts or ends with a space")
    } else {
        None
    }
}

/// The address rule of environment files (`env::is_email`), within Cognito's user name length.
/// `EMAIL` on the command line (clap's value parser): a bad address is an invalid command line
/// (exit 64), found before anything is loaded or asked of AWS.
pub fn email_arg(email: &str) -> Result<String, String> {
    check_email(email)
        .map(|()| email.to_owned())
        .map_err(|e| e.to_string())
}

fn check_email(email: &str) -> Result<(), StaffError> {
    let ok = crate::env::is_email(email) && email.len() <= MAX_USERNAME;
    if ok {
        Ok(())
    } else {
        Err(StaffError::NotAnEmail {
            email: email.to_owned(),
        })
    }
}

/// Makes `email` a staff member of `pool`, creating the account when there is none. With
/// `password`, it is set as the user's permanent password (demo and local accounts); without,
/// Cognito emails a temporary one.
pub async fn add(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    password: Option<&str>,
) -> Result<Added, StaffError> {
    let cognito = client(ctx);
    let created = ensure_account(ctx, pool, email, password).await?;
    let already_staff = !created && is_staff(ctx, &cognito, pool, email).await?;
    if !already_staff {
        cognito
            .admin_add_user_to_group()
            .user_pool_id(pool)
            .username(email)
            .group_name(STAFF_GROUP)
            .send()
            .await
            .map_err(|e| ctx.fail("cognito-idp", "AdminAddUserToGroup", e))?;
    }
    Ok(Added {
        email: email.to_owned(),
        created,
        already_staff,
    })
}

/// Creates the account `email` unless it exists (email verified: an operator vouches for it),
/// and sets `password` as its permanent password when given. Returns whether it was created.
pub async fn ensure_account(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    password: Option<&str>,
) -> Result<bool, StaffError> {
    precheck(email, password)?;
    let cognito = client(ctx);
    let created = find(ctx, &cognito, pool, email).await?.is_none();
    if created {
        let mut create = cognito
            .admin_create_user()
            .user_pool_id(pool)
            .username(email)
            .set_user_attributes(Some(
                [
                    attribute("email", email),
                    attribute("email_verified", "true"),
                ]
                .into_iter()
                .flatten()
                .collect(),
            ));
        if password.is_some() {
            create = create.message_action(
                aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress,
            );
        } else {
            create = create.desired_delivery_mediums(DeliveryMediumType::Email);
        }
        create
            .send()
            .await
            .map_err(|e| ctx.fail("cognito-idp", "AdminCreateUser", e))?;
    }
    if let Some(password) = password {
        cognito
            .admin_set_user_password()
            .user_pool_id(pool)
            .username(email)
            .password(password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| ctx.fail("cognito-idp", "AdminSetUserPassword", e))?;
    }
    Ok(created)
}

/// Takes `email` out of the staff group and signs them out everywhere. Returns whether they
/// were staff.
pub async fn remove(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    env: &str,
) -> Result<bool, StaffError> {
    let cognito = existing(ctx, pool, email, env).await?;
    let was_staff = is_staff(ctx, &cognito, pool, email).await?;
    if was_staff {
        cognito
            .admin_remove_user_from_group()
            .user_pool_id(pool)
            .username(email)
            .group_name(STAFF_GROUP)
            .send()
            .await
            .map_err(|e| ctx.fail("cognito-idp", "AdminRemoveUserFromGroup", e))?;
        sign_out_everywhere(ctx, &cognito, pool, email).await?;
    }
    Ok(was_staff)
}

/// What [`confirm_customer`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Confirmation {
    /// The account was waiting for its emailed code and is confirmed now.
    Confirmed,
    /// It was confirmed already but its address was not verified (confirmed by support before
    /// order emails needed a verified address): it is marked verified now.
    AddressVerified,
    /// It was confirmed already, its address verified; nothing changed.
    AlreadyConfirmed,
}

/// Confirms a customer's sign-up without the emailed code, as support does for a shopper whose
/// email never arrived (and `make test-aws`'s browser test, which cannot read real mail), and
/// marks the address verified on support's word: order emails go only to verified addresses,
/// and ConfirmSignUp with the code would have verified it.
pub async fn confirm_customer(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    env: &str,
) -> Result<Confirmation, StaffError> {
    check_email(email)?;
    let cognito = client(ctx);
    let user = match cognito
        .admin_get_user()
        .user_pool_id(pool)
        .username(email)
        .send()
        .await
    {
        Ok(user) => user,
        Err(e) => {
            let e = ctx.fail("cognito-idp", "AdminGetUser", e);
            return Err(
                if e.service_failure()
                    .is_some_and(|f| f.code == "UserNotFoundException")
                {
                    StaffError::UnknownUser {
                        email: email.to_owned(),
                        pool: pool.to_owned(),
                        env: env.to_owned(),
                    }
                } else {
                    e.into()
                },
            );
        }
    };
    let confirmed = user.user_status().map(|s| s.as_str()) != Some("UNCONFIRMED");
    let verified = user
        .user_attributes()
        .iter()
        .any(|a| a.name() == "email_verified" && a.value() == Some("true"));
    if confirmed && verified {
        return Ok(Confirmation::AlreadyConfirmed);
    }
    if !confirmed {
        cognito
            .admin_confirm_sign_up()
            .user_pool_id(pool)
            .username(email)
            .send()
            .await
            .map_err(|e| ctx.fail("cognito-idp", "AdminConfirmSignUp", e))?;
    }
    // A retry after this failed (or an account support confirmed before order emails needed a
    // verified address) finds it confirmed but unverified, and comes here again.
    cognito
        .admin_update_user_attributes()
        .user_pool_id(pool)
        .username(email)
        .set_user_attributes(attribute("email_verified", "true").map(|a| vec![a]))
        .send()
        .await
        .map_err(|e| ctx.fail("cognito-idp", "AdminUpdateUserAttributes", e))?;
    Ok(if confirmed {
        Confirmation::AddressVerified
    } else {
        Confirmation::Confirmed
    })
}

/// Every member of the staff group, by email.
pub async fn list(ctx: &AwsContext, pool: &str) -> Result<Vec<StaffMember>, StaffError> {
    let cognito = client(ctx);
    let mut users = cognito
        .list_users_in_group()
        .user_pool_id(pool)
        .group_name(STAFF_GROUP)
        .into_paginator()
        .items()
        .send();
    let mut members = Vec::new();
    while let Some(user) = users.next().await {
        let user = user.map_err(|e| ctx.fail("cognito-idp", "ListUsersInGroup", e))?;
        members.push(member(&user));
    }
    // ListUsersInGroup does not say who has an authenticator app; AdminGetUser does
    // (`UserMFASettingList`). One call per member: staff lists are short.
    for m in &mut members {
        m.authenticator = has_authenticator(ctx, &cognito, pool, &m.email).await?;
    }
    members.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(members)
}

fn member(user: &UserType) -> StaffMember {
    let email = user
        .attributes()
        .iter()
        .find(|a| a.name() == "email")
        .and_then(AttributeType::value)
        .or(user.username())
        .unwrap_or_default()
        .to_owned();
    StaffMember {
        email,
        status: user
            .user_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        enabled: user.enabled(),
        authenticator: false,
    }
}

/// Whether `email` has an authenticator app (false for an account deleted meanwhile).
async fn has_authenticator(
    ctx: &AwsContext,
    cognito: &Client,
    pool: &str,
    email: &str,
) -> Result<bool, StaffError> {
    Ok(find(ctx, cognito, pool, email).await?.is_some_and(|user| {
        user.user_mfa_setting_list()
            .iter()
            .any(|m| m == "SOFTWARE_TOKEN_MFA")
    }))
}

/// A staff member lost their authenticator app: turns it off for `email` and signs them out
/// everywhere, so that their next sign-in takes the password alone and (where the environment
/// requires two-step sign-in) the back office asks them to set up a new app. Returns whether
/// they had one.
pub async fn reset_authenticator(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    env: &str,
) -> Result<bool, StaffError> {
    let cognito = existing(ctx, pool, email, env).await?;
    let had = has_authenticator(ctx, &cognito, pool, email).await?;
    let off = SoftwareTokenMfaSettingsType::builder()
        .enabled(false)
        .preferred_mfa(false)
        .build();
    cognito
        .admin_set_user_mfa_preference()
        .user_pool_id(pool)
        .username(email)
        .software_token_mfa_settings(off)
        .send()
        .await
        .map_err(|e| ctx.fail("cognito-idp", "AdminSetUserMFAPreference", e))?;
    sign_out_everywhere(ctx, &cognito, pool, email).await?;
    Ok(had)
}

fn attribute(name: &str, value: &str) -> Option<AttributeType> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .ok()
}

/// A client for the pool, once `email` is checked and names an account of it.
async fn existing(
    ctx: &AwsContext,
    pool: &str,
    email: &str,
    env: &str,
) -> Result<Client, StaffError> {
    check_email(email)?;
    let cognito = client(ctx);
    if find(ctx, &cognito, pool, email).await?.is_none() {
        return Err(StaffError::UnknownUser {
            email: email.to_owned(),
            pool: pool.to_owned(),
            env: env.to_owned(),
        });
    }
    Ok(cognito)
}

/// Revokes every token of `email`: refresh tokens at once; access tokens for the staff routes
/// within a minute (they ask the pool with the token), elsewhere when they run out (within the
/// hour).
async fn sign_out_everywhere(
    ctx: &AwsContext,
    cognito: &Client,
    pool: &str,
    email: &str,
) -> Result<(), StaffError> {
    cognito
        .admin_user_global_sign_out()
        .user_pool_id(pool)
        .username(email)
        .send()
        .await
        .map_err(|e| ctx.fail("cognito-idp", "AdminUserGlobalSignOut", e))?;
    Ok(())
}

/// The user signing in as `email` (AdminGetUser's answer), if any.
async fn find(
    ctx: &AwsContext,
    cognito: &Client,
    pool: &str,
    email: &str,
) -> Result<Option<AdminGetUserOutput>, StaffError> {
    match cognito
        .admin_get_user()
        .user_pool_id(pool)
        .username(email)
        .send()
        .await
    {
        Ok(user) => Ok(Some(user)),
        Err(e) => {
            let e = ctx.fail("cognito-idp", "AdminGetUser", e);
            if e.service_failure()
                .is_some_and(|f| f.code == "UserNotFoundException")
            {
                Ok(None)
            } else {
                Err(e.into())
            }
        }
    }
}

async fn is_staff(
    ctx: &AwsContext,
    cognito: &Client,
    pool: &str,
    email: &str,
) -> Result<bool, StaffError> {
    let groups = cognito
        .admin_list_groups_for_user()
        .user_pool_id(pool)
        .username(email)
        .send()
        .await
        .map_err(|e| ctx.fail("cognito-idp", "AdminListGroupsForUser", e))?;
    Ok(groups
        .groups()
        .iter()
        .any(|g| g.group_name() == Some(STAFF_GROUP)))
}
