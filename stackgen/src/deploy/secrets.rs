//! The template's generated secrets at deploy time (`stackgen_model::Secret`: two NoEcho slots
//! and the `Active` parameter naming the one in use).
//!
//! - A stack without the secret's parameters (a new stack, or one deployed before the secret
//!   existed) gets a fresh random value in each slot and `Active` = `A`. One that has some (slot
//!   A alone: deployed when the secret had one value, under the same name) keeps them and gets
//!   the rest, so the value in use does not change.
//! - A stack that has them keeps all three (`UsePreviousValue`): the values are never read back
//!   (NoEcho: CloudFormation answers `****`), so they are generated once, by whoever deploys
//!   first, and live only in the stack.
//! - `--rotate-secrets` is two updates ([`Rotation`]): [`Rotation::Stage`] writes a fresh value
//!   into the slot not in use (the checkers accept it from then on; the sender still sends the
//!   old one), then [`Rotation::Switch`] makes that slot the one in use. The old value stays in
//!   its slot, accepted until the next rotation. `Active` is a plain parameter, so deploy reads
//!   which slot is in use.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Parameter;
use stackgen_model::all::{SECRET_HEX_LEN, SECRET_SLOTS, SecretNames};

use super::error::DeployError;

/// One secret and a fresh value for each of its slots.
#[derive(Clone, PartialEq, Eq)]
struct Planned {
    names: SecretNames,
    fresh: [String; 2],
}

/// What a deploy does to secrets the stack already has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rotation {
    /// Keep everything as deployed.
    #[default]
    Keep,
    /// A fresh value into the slot not in use; the slot in use stays in use.
    Stage,
    /// The other slot becomes the one in use; both values are kept.
    Switch,
}

/// The template's secrets, each with fresh values in hand, and what to do to deployed ones.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GeneratedSecrets {
    secrets: Vec<Planned>,
    rotation: Rotation,
}

impl std::fmt::Debug for GeneratedSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values: a debug print must not leak them into a log.
        f.debug_struct("GeneratedSecrets")
            .field("names", &self.names().collect::<Vec<_>>())
            .field("rotation", &self.rotation)
            .finish()
    }
}

impl GeneratedSecrets {
    /// Fresh values for each slot of `secrets`: 32 bytes from the operating system's CSPRNG, as
    /// lower-case hex (the slots' `AllowedPattern`). Only sent where the module doc says.
    pub fn generate(secrets: &[SecretNames], rotation: Rotation) -> Result<Self, DeployError> {
        let secrets = secrets
            .iter()
            .map(|names| {
                Ok(Planned {
                    fresh: [random_hex(&names.slots[0])?, random_hex(&names.slots[1])?],
                    names: names.clone(),
                })
            })
            .collect::<Result<_, DeployError>>()?;
        Ok(GeneratedSecrets { secrets, rotation })
    }

    /// The same secrets and fresh values, for another step of a rotation.
    pub fn with_rotation(&self, rotation: Rotation) -> Self {
        GeneratedSecrets {
            secrets: self.secrets.clone(),
            rotation,
        }
    }

    /// The template has no secret.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Whether a deploy with `deployed` as the stack's parameters leaves every secret as it is.
    pub fn kept_by(&self, deployed: &BTreeMap<String, String>) -> bool {
        self.rotation == Rotation::Keep && self.secrets.iter().all(|s| has_all(&s.names, deployed))
    }

    /// Every parameter the secrets own (slots and `Active`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.secrets
            .iter()
            .flat_map(|s| s.names.all().map(|id| id.as_str()))
    }

    /// The parameters for a stack with `deployed` parameters (`None`: a stack to create).
    pub(super) fn sdk_parameters(
        &self,
        deployed: Option<&BTreeMap<String, String>>,
    ) -> Vec<Parameter> {
        let mut out = Vec::new();
        for secret in &self.secrets {
            let names = &secret.names;
            let in_use = deployed
                .filter(|d| has_all(names, d))
                .and_then(|d| d.get(names.active.as_str()))
                .and_then(|letter| SECRET_SLOTS.iter().position(|s| s == letter));
            let keep = |name: &str| {
                Parameter::builder()
                    .parameter_key(name)
                    .use_previous_value(true)
                    .build()
            };
            let set = |name: &str, value: &str| {
                Parameter::builder()
                    .parameter_key(name)
                    .parameter_value(value)
                    .build()
            };
            match (in_use, self.rotation) {
                (Some(_), Rotation::Keep) => out.extend(names.all().map(|id| keep(id.as_str()))),
                (Some(now), Rotation::Stage) => {
                    let next = 1 - now;
                    out.push(keep(names.slots[now].as_str()));
                    out.push(set(names.slots[next].as_str(), &secret.fresh[next]));
                    out.push(keep(names.active.as_str()));
                }
                (Some(now), Rotation::Switch) => {
                    out.extend(names.slots.iter().map(|id| keep(id.as_str())));
                    out.push(set(names.active.as_str(), SECRET_SLOTS[1 - now]));
                }
                // New to the stack, or partly (deployed when the secret had one value, kept in
                // slot A): what the stack has stays, what it lacks is filled, A in use.
                (None, _) => {
                    let has = |id: &str| deployed.is_some_and(|d| d.contains_key(id));
                    for (slot, fresh) in names.slots.iter().zip(&secret.fresh) {
                        out.push(match has(slot.as_str()) {
                            true => keep(slot.as_str()),
                            false => set(slot.as_str(), fresh),
                        });
                    }
                    out.push(match has(names.active.as_str()) {
                        true => keep(names.active.as_str()),
                        false => set(names.active.as_str(), SECRET_SLOTS[0]),
                    });
                }
            }
        }
        out
    }
}

/// The stack has every parameter of the secret (else it is new to it).
fn has_all(names: &SecretNames, deployed: &BTreeMap<String, String>) -> bool {
    names.all().all(|id| deployed.contains_key(id.as_str()))
}

fn random_hex(parameter: &stackgen_model::all::LogicalId) -> Result<String, DeployError> {
    use ring::rand::{SecureRandom, SystemRandom};
    let mut bytes = [0u8; SECRET_HEX_LEN / 2];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| DeployError::NoRandomness {
            parameter: parameter.as_str().to_owned(),
        })?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackgen_model::all::{Tags, Template};

    fn secret() -> SecretNames {
        let (t, ()) = Template::build("t", Tags::new(), &(), |t, _| {
            t.secret("Token", "a token.");
        });
        t.secrets()[0].clone()
    }

    /// (name, Some(value) | None for UsePreviousValue) of each parameter sent.
    fn sent(
        secrets: &GeneratedSecrets,
        deployed: Option<&[(&str, &str)]>,
    ) -> Vec<(String, Option<String>)> {
        let deployed: Option<BTreeMap<String, String>> = deployed.map(|d| {
            d.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        });
        secrets
            .sdk_parameters(deployed.as_ref())
            .iter()
            .map(|p| {
                let value = match p.use_previous_value() {
                    Some(true) => None,
                    _ => p.parameter_value().map(str::to_owned),
                };
                (p.parameter_key().unwrap_or_default().to_owned(), value)
            })
            .collect()
    }

    #[test]
    fn created_kept_and_rotated_slot_by_slot() -> Result<(), DeployError> {
        let names = [secret()];
        let plain = GeneratedSecrets::generate(&names, Rotation::Keep)?;
        let stage = GeneratedSecrets::generate(&names, Rotation::Stage)?;
        let switch = GeneratedSecrets::generate(&names, Rotation::Switch)?;
        let fresh = |s: &GeneratedSecrets, i: usize| Some(s.secrets[0].fresh[i].clone());
        let own = |k: &str| k.to_owned();
        let kept = |k: &str| (own(k), None);
        // A new stack (whatever the rotation): both slots fresh, A in use.
        for s in [&plain, &stage, &switch] {
            assert_eq!(
                sent(s, None),
                [
                    (own("Token"), fresh(s, 0)),
                    (own("TokenB"), fresh(s, 1)),
                    (own("TokenActive"), Some(own("A")))
                ]
            );
        }
        let on_a = [("Token", "****"), ("TokenB", "****"), ("TokenActive", "A")];
        let on_b = [("Token", "****"), ("TokenB", "****"), ("TokenActive", "B")];
        let map = |d: &[(&str, &str)]| d.iter().map(|(k, v)| (own(k), own(v))).collect();
        assert_eq!(
            sent(&plain, Some(&on_b)),
            [kept("Token"), kept("TokenB"), kept("TokenActive")]
        );
        assert!(plain.kept_by(&map(&on_b)));
        assert!(!stage.kept_by(&map(&on_b)) && !switch.kept_by(&map(&on_b)));
        // Staging fills the slot not in use and leaves the one in use in use.
        assert_eq!(
            sent(&stage, Some(&on_a)),
            [
                kept("Token"),
                (own("TokenB"), fresh(&stage, 1)),
                kept("TokenActive")
            ]
        );
        assert_eq!(
            sent(&stage, Some(&on_b)),
            [
                kept("TokenB"),
                (own("Token"), fresh(&stage, 0)),
                kept("TokenActive")
            ]
        );
        // Switching only changes the slot in use.
        assert_eq!(
            sent(&switch, Some(&on_a)),
            [
                kept("Token"),
                kept("TokenB"),
                (own("TokenActive"), Some(own("B")))
            ]
        );
        // A stack deployed when the secret had one value (slot A's name alone): it keeps that
        // value, in use, and gets slot B; even a rotation starts from there.
        let older = [("Token", "****")];
        for s in [&plain, &stage] {
            assert_eq!(
                sent(s, Some(&older)),
                [
                    kept("Token"),
                    (own("TokenB"), fresh(s, 1)),
                    (own("TokenActive"), Some(own("A")))
                ]
            );
        }
        Ok(())
    }
}
