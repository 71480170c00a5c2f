//! The AWS commercial regions an environment may name.
//!
//! A typo in a region (`eu-west1`, `eu-west-01`) would otherwise surface minutes later as an
//! endpoint error in the middle of a deploy, so the region is checked against the list AWS
//! publishes. When AWS opens a new region, add it here.

/// AWS commercial (`aws` partition) regions, as listed by AWS at the end of 2025.
pub const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// Whether `region` is a known commercial region.
pub fn is_known(region: &str) -> bool {
    KNOWN_REGIONS.contains(&region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_common_regions_and_refuses_typos() {
        assert!(is_known("eu-west-1"));
        assert!(is_known("us-east-1"));
        assert!(!is_known("eu-west1"));
        assert!(!is_known("EU-WEST-1"));
        assert!(!is_known("eu-west-01"));
        assert!(!is_known(""));
    }

    #[test]
    fn every_listed_region_has_the_aws_shape() {
        for r in KNOWN_REGIONS {
            let parts: Vec<&str> = r.split('-').collect();
            assert_eq!(parts.len(), 3, "{r}");
            assert!(parts[0].len() == 2 && parts[0].chars().all(|c| c.is_ascii_lowercase()));
            assert!(parts[2].chars().all(|c| c.is_ascii_digit()), "{r}");
        }
    }
}
