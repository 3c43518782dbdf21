//! Property test: what crmd reads back it accepts as a write and stores unchanged, for
//! every writable field of every field type.

use super::value_to_json;
use crmd_core::{FieldDef, FieldType, HandleService, Schema, Timestamp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value as Json, json};

/// The standard model plus a type with the field types the standard model lacks.
fn schema() -> Schema {
    let extra = crmd_service::schema_file::parse(
        r#"
[[object]]
slug = "samples"
label = "Sample"
plural_label = "Samples"

  [[object.field]]
  key = "count"
  label = "Count"
  type = "NUMBER"

  [[object.field]]
  key = "price"
  label = "Price"
  type = "CURRENCY"
  currency = "EUR"

  [[object.field]]
  key = "day"
  label = "Day"
  type = "DATE"

  [[object.field]]
  key = "body"
  label = "Body"
  type = "HTML"

  [[object.field]]
  key = "phone"
  label = "Phone"
  type = "TELEPHONE"

  [[object.field]]
  key = "phones"
  label = "Phones"
  type = "TELEPHONE"
  multiple = true

  [[object.field]]
  key = "handle"
  label = "Handle"
  type = "SOCIAL_HANDLE"
  handle_service = "TWITTER"
"#,
    )
    .expect("the sample schema parses");
    let standard = crmd_service::schema_file::standard().expect("the standard model parses");
    crmd_service::schema_file::resolve(&standard, &extra, &Schema::default()).expect("the schemas resolve")
}

fn one_value(field: &FieldDef) -> BoxedStrategy<Json> {
    let options: Vec<String> = field
        .config
        .options
        .iter()
        .flat_map(|option| [option.id.clone(), option.label.clone()])
        .collect();
    match field.field_type {
        FieldType::Text => "[ -~]{0,30}|\\PC{0,12}".prop_map(Json::from).boxed(),
        FieldType::Markdown | FieldType::Html => "\\PC{0,40}".prop_map(Json::from).boxed(),
        FieldType::Number => (any::<i64>(), 0u32..3)
            .prop_map(|(units, scale)| Json::from(rust_decimal::Decimal::new(units % 1_000_000_000_000, scale).to_string()))
            .boxed(),
        FieldType::Currency => (any::<i32>(), 0u32..3)
            .prop_map(|(units, scale)| Json::from(rust_decimal::Decimal::new(i64::from(units), scale).to_string()))
            .boxed(),
        FieldType::Checkbox => any::<bool>().prop_map(Json::from).boxed(),
        FieldType::Datetime => (0i64..4_102_444_800_000)
            .prop_map(|millis| Json::from(Timestamp(millis).to_rfc3339()))
            .boxed(),
        FieldType::Date => (0i64..50_000)
            .prop_map(|days| {
                let date = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(days as u64);
                Json::from(date.format("%Y-%m-%d").to_string())
            })
            .boxed(),
        FieldType::Email => "[a-zA-Z0-9]{1,8}(\\.[a-z]{1,4})?@[a-zA-Z]{1,8}\\.(com|org|io)"
            .prop_map(Json::from)
            .boxed(),
        FieldType::Url => "https?://[a-z]{1,10}\\.(com|org|example)(/[a-z0-9]{1,6}){0,2}"
            .prop_map(Json::from)
            .boxed(),
        FieldType::Telephone => "\\+1 (415|212|646) [2-9][0-9]{2} [0-9]{4}"
            .prop_map(Json::from)
            .boxed(),
        FieldType::SocialHandle => {
            let prefix = match field.config.handle_service {
                Some(HandleService::Twitter) | None => "https://x.com/",
                Some(HandleService::Linkedin) => "https://www.linkedin.com/in/",
                Some(HandleService::Facebook) => "https://www.facebook.com/",
                Some(HandleService::Instagram) => "https://www.instagram.com/",
            };
            "[a-z][a-z0-9_]{2,12}"
                .prop_map(move |user| Json::from(format!("{prefix}{user}")))
                .boxed()
        }
        FieldType::SingleSelect => proptest::sample::select(options).prop_map(Json::from).boxed(),
        FieldType::MultiSelect => proptest::sample::subsequence(options.clone(), 0..=options.len().min(4))
            .prop_map(Json::from)
            .boxed(),
        FieldType::Address => (
            proptest::option::of("[A-Za-z0-9 ]{1,20}"),
            proptest::option::of("[A-Za-z ]{1,12}"),
            proptest::option::of("[0-9]{5}"),
            proptest::option::of(proptest::sample::select(vec!["US", "DE", "FR", "JP"])),
            proptest::option::of(-90.0f64..90.0),
        )
            .prop_map(|(street, city, postal, country, latitude)| {
                json!({"street": street, "city": city, "postalCode": postal, "country": country, "latitude": latitude})
            })
            .boxed(),
        FieldType::FullName => (
            proptest::option::of("[A-Za-z]{1,10}"),
            proptest::option::of("[A-Za-z' -]{1,12}"),
        )
            .prop_map(|(first, last)| json!({"firstName": first, "lastName": last}))
            .boxed(),
    }
}

fn write_value(field: &FieldDef) -> BoxedStrategy<Json> {
    if field.is_multiple() {
        proptest::collection::vec(one_value(field), 1..4)
            .prop_map(Json::from)
            .boxed()
    } else {
        one_value(field)
    }
}

#[test]
fn what_crmd_reads_back_it_accepts_and_stores_unchanged() {
    let schema = schema();
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let mut fields = 0;
    for object_type in &schema.object_types {
        for field in &object_type.fields {
            if field.is_read_only || object_type.slug == "member" {
                continue;
            }
            fields += 1;
            runner
                .run(&write_value(field), |input| {
                    let Ok(Some(stored)) = crmd_core::value::normalize(field, &input) else {
                        return Ok(());
                    };
                    let read = value_to_json(&stored);
                    let again = crmd_core::value::normalize(field, &read);
                    prop_assert_eq!(
                        again.as_ref().ok().and_then(Option::as_ref),
                        Some(&stored),
                        "{}.{}: wrote {}, read {}, which writes as {:?}",
                        object_type.slug,
                        field.key,
                        input,
                        read,
                        again
                    );
                    Ok(())
                })
                .unwrap_or_else(|failure| panic!("{failure}"));
        }
    }
    assert!(fields > 40, "every writable field is exercised, got {fields}");
}
