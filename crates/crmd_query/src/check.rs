//! Checking a query against the schema before a store runs it.

use crate::error::QueryError;
use crate::filter::{Filter, Op, Part, Query, RelatedOp, SortKey, Target};
use crmd_core::{FieldType, ObjectType, Schema};

/// Bounds on the size of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Predicates in the whole tree.
    pub max_conditions: usize,
    /// Nesting of And/Or/Not/Related.
    pub max_depth: usize,
    pub max_sort_keys: usize,
    /// Values in one `In`.
    pub max_in_values: usize,
    pub max_page_size: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_conditions: 100,
            max_depth: 8,
            max_sort_keys: 8,
            max_in_values: 1000,
            max_page_size: 1000,
        }
    }
}

/// Whether the engine can evaluate `op` on a field of `field_type`.
/// Dialects narrow this to their vendor's operator matrix.
pub fn operator_allowed(field_type: FieldType, op: &Op) -> bool {
    use FieldType as T;
    let is_textual = matches!(
        field_type,
        T::Text | T::Email | T::Url | T::Telephone | T::SocialHandle | T::FullName | T::Address
    );
    match op {
        Op::IsSet => true,
        Op::Eq(_) | Op::In(_) => !field_type.is_long_text(),
        Op::Lt(_) | Op::Lte(_) | Op::Gt(_) | Op::Gte(_) => {
            matches!(
                field_type,
                T::Number | T::Currency | T::Datetime | T::Date | T::Text
            )
        }
        Op::StartsWith(_) => is_textual,
        Op::Contains(_) | Op::ContainsToken(_) => is_textual || field_type.is_long_text(),
    }
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Eq(_) => "eq",
        Op::Lt(_) => "lt",
        Op::Lte(_) => "lte",
        Op::Gt(_) => "gt",
        Op::Gte(_) => "gte",
        Op::In(_) => "in",
        Op::StartsWith(_) => "starts_with",
        Op::Contains(_) => "contains",
        Op::ContainsToken(_) => "contains_token",
        Op::IsSet => "is_set",
    }
}

/// Verifies that every key exists, every operator suits its field type and the query is
/// within `limits`.
pub fn check(
    schema: &Schema,
    object_type: &ObjectType,
    query: &Query,
    limits: &Limits,
) -> Result<(), QueryError> {
    if query.page.limit() > limits.max_page_size {
        return Err(QueryError::TooLarge {
            what: "page size",
            limit: u64::from(limits.max_page_size),
        });
    }
    if query.sort.len() > limits.max_sort_keys {
        return Err(QueryError::TooLarge {
            what: "number of sort keys",
            limit: limits.max_sort_keys as u64,
        });
    }
    for SortKey { target, .. } in &query.sort {
        if let Target::Part { key, part } = target {
            check_part(object_type, key, *part)?;
        }
        if let Target::Field(key) = target {
            let field = object_type
                .field(key)
                .ok_or_else(|| unknown_field(object_type, key))?;
            // A field of several emails, URLs or numbers sorts by its first (primary) value;
            // a multi-select has no such order.
            if field.field_type.is_long_text()
                || field.field_type == FieldType::MultiSelect
                || field.field_type.is_compound()
            {
                return Err(QueryError::UnsupportedOperator {
                    key: key.clone(),
                    op: "sort",
                    field_type: field.field_type.as_str(),
                });
            }
        }
    }
    if let Some(filter) = &query.filter {
        let mut conditions = 0;
        check_filter(schema, object_type, filter, limits, 1, &mut conditions)?;
    }
    Ok(())
}

fn unknown_field(object_type: &ObjectType, key: &str) -> QueryError {
    QueryError::UnknownField {
        object_type: object_type.slug.clone(),
        key: key.to_owned(),
    }
}

/// A part target names a compound field of the part's kind.
fn check_part(object_type: &ObjectType, key: &str, part: Part) -> Result<(), QueryError> {
    let field = object_type
        .field(key)
        .ok_or_else(|| unknown_field(object_type, key))?;
    let expected = if part.is_name_part() {
        FieldType::FullName
    } else {
        FieldType::Address
    };
    if field.field_type == expected && !field.is_multiple() {
        Ok(())
    } else {
        Err(QueryError::UnsupportedOperator {
            key: key.to_owned(),
            op: "part",
            field_type: field.field_type.as_str(),
        })
    }
}

fn check_filter(
    schema: &Schema,
    object_type: &ObjectType,
    filter: &Filter,
    limits: &Limits,
    depth: usize,
    conditions: &mut usize,
) -> Result<(), QueryError> {
    if depth > limits.max_depth {
        return Err(QueryError::TooLarge {
            what: "filter depth",
            limit: limits.max_depth as u64,
        });
    }
    match filter {
        Filter::And(children) | Filter::Or(children) => {
            for child in children {
                check_filter(schema, object_type, child, limits, depth + 1, conditions)?;
            }
            Ok(())
        }
        Filter::Not(child) => check_filter(schema, object_type, child, limits, depth + 1, conditions),
        Filter::Cond { target, op } => {
            *conditions += 1;
            if *conditions > limits.max_conditions {
                return Err(QueryError::TooLarge {
                    what: "number of filters",
                    limit: limits.max_conditions as u64,
                });
            }
            if let Op::In(values) = op
                && values.len() > limits.max_in_values
            {
                return Err(QueryError::TooLarge {
                    what: "number of values in one filter",
                    limit: limits.max_in_values as u64,
                });
            }
            if let Target::Part { key, part } = target {
                check_part(object_type, key, *part)?;
                return if operator_allowed(FieldType::Text, op) {
                    Ok(())
                } else {
                    Err(QueryError::UnsupportedOperator {
                        key: key.clone(),
                        op: op_name(op),
                        field_type: FieldType::Text.as_str(),
                    })
                };
            }
            let Target::Field(key) = target else {
                return Ok(());
            };
            let field = object_type
                .field(key)
                .ok_or_else(|| unknown_field(object_type, key))?;
            if operator_allowed(field.field_type, op) {
                Ok(())
            } else {
                Err(QueryError::UnsupportedOperator {
                    key: key.clone(),
                    op: op_name(op),
                    field_type: field.field_type.as_str(),
                })
            }
        }
        Filter::Search { keys, .. } => {
            *conditions += 1;
            if *conditions > limits.max_conditions {
                return Err(QueryError::TooLarge {
                    what: "number of filters",
                    limit: limits.max_conditions as u64,
                });
            }
            for key in keys {
                object_type
                    .field(key)
                    .ok_or_else(|| unknown_field(object_type, key))?;
            }
            Ok(())
        }
        Filter::Related { key, op } => {
            *conditions += 1;
            let side = schema.relationship(&object_type.slug, key).ok_or_else(|| {
                QueryError::UnknownRelationship {
                    object_type: object_type.slug.clone(),
                    key: key.clone(),
                }
            })?;
            match op {
                RelatedOp::AnyOf(ids) if ids.len() > limits.max_in_values => Err(QueryError::TooLarge {
                    what: "number of values in one filter",
                    limit: limits.max_in_values as u64,
                }),
                RelatedOp::AnyOf(_) | RelatedOp::IsSet => Ok(()),
                RelatedOp::Matches(inner) => {
                    let related_type = schema.object_type(side.target_type()).ok_or_else(|| {
                        QueryError::UnknownRelationship {
                            object_type: object_type.slug.clone(),
                            key: key.clone(),
                        }
                    })?;
                    check_filter(schema, related_type, inner, limits, depth + 1, conditions)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Page, Trashed};
    use crmd_core::{FieldConfig, FieldDef, Value};
    use expect_test::{Expect, expect};
    use std::collections::BTreeMap;

    fn field(key: &str, field_type: FieldType) -> FieldDef {
        FieldDef {
            id: format!("ad_{key}"),
            key: key.into(),
            label: key.into(),
            description: None,
            field_type,
            config: FieldConfig::default(),
            is_required: false,
            is_unique: false,
            is_read_only: false,
            names: BTreeMap::new(),
        }
    }

    fn vehicles() -> ObjectType {
        ObjectType {
            id: "ot_1".into(),
            slug: "vehicles".into(),
            label: "Vehicle".into(),
            plural_label: "Vehicles".into(),
            description: None,
            is_standard: false,
            display_field: Some("name".into()),
            scope: "custom_objects".into(),
            names: BTreeMap::new(),
            fields: vec![
                field("name", FieldType::Text),
                field("speed", FieldType::Number),
                field("notes", FieldType::Markdown),
            ],
        }
    }

    #[track_caller]
    fn check_filter_only(filter: Filter, expected: Expect) {
        let object_type = vehicles();
        let schema = Schema {
            version: 1,
            object_types: vec![object_type.clone()],
            relationships: vec![],
        };
        let query = Query {
            filter: Some(filter),
            sort: vec![],
            page: Page::Offset { offset: 0, limit: 10 },
            with_total: false,
            trashed: Trashed::Exclude,
        };
        expected.assert_debug_eq(&check(&schema, &object_type, &query, &Limits::default()));
    }

    fn cond(key: &str, op: Op) -> Filter {
        Filter::Cond {
            target: Target::Field(key.into()),
            op,
        }
    }

    #[test]
    fn range_on_number_is_fine() {
        check_filter_only(
            Filter::And(vec![
                cond("speed", Op::Gte(Value::Number(100.into()))),
                cond("speed", Op::Lt(Value::Number(130.into()))),
            ]),
            expect![[r#"
                Ok(
                    (),
                )
            "#]],
        );
    }

    #[test]
    fn unknown_field_is_named() {
        check_filter_only(
            cond("colour", Op::IsSet),
            expect![[r#"
                Err(
                    UnknownField {
                        object_type: "vehicles",
                        key: "colour",
                    },
                )
            "#]],
        );
    }

    #[test]
    fn equality_on_markdown_is_refused() {
        check_filter_only(
            cond("notes", Op::Eq(Value::Text("x".into()))),
            expect![[r#"
                Err(
                    UnsupportedOperator {
                        key: "notes",
                        op: "eq",
                        field_type: "MARKDOWN",
                    },
                )
            "#]],
        );
    }

    #[test]
    fn depth_is_bounded() {
        let mut filter = cond("speed", Op::IsSet);
        for _ in 0..10 {
            filter = Filter::Not(Box::new(filter));
        }
        check_filter_only(
            filter,
            expect![[r#"
                Err(
                    TooLarge {
                        what: "filter depth",
                        limit: 8,
                    },
                )
            "#]],
        );
    }
}

#[cfg(test)]
mod search_and_part_tests {
    use super::*;
    use crate::filter::{Page, Trashed};
    use crmd_core::{FieldConfig, FieldDef};
    use std::collections::BTreeMap;

    fn person() -> ObjectType {
        let field = |key: &str, field_type| FieldDef {
            id: format!("ad_{key}"),
            key: key.into(),
            label: key.into(),
            description: None,
            field_type,
            config: FieldConfig::default(),
            is_required: false,
            is_unique: false,
            is_read_only: false,
            names: BTreeMap::new(),
        };
        ObjectType {
            id: "ot_p".into(),
            slug: "person".into(),
            label: "Person".into(),
            plural_label: "People".into(),
            description: None,
            is_standard: false,
            display_field: Some("name".into()),
            scope: "custom_objects".into(),
            names: BTreeMap::new(),
            fields: vec![
                field("name", FieldType::FullName),
                field("title", FieldType::Text),
            ],
        }
    }

    fn checked(filter: Filter) -> Result<(), QueryError> {
        let object_type = person();
        let schema = Schema {
            version: 1,
            object_types: vec![object_type.clone()],
            relationships: vec![],
        };
        let query = Query {
            filter: Some(filter),
            sort: vec![],
            page: Page::Offset { offset: 0, limit: 10 },
            with_total: false,
            trashed: Trashed::Exclude,
        };
        check(&schema, &object_type, &query, &Limits::default())
    }

    #[test]
    fn search_keys_must_exist() {
        let search = |keys: &[&str]| Filter::Search {
            keys: keys.iter().map(|key| (*key).to_owned()).collect(),
            text: "ada".into(),
        };
        assert_eq!(checked(search(&["name", "title"])), Ok(()));
        assert!(matches!(
            checked(search(&["name", "shoe"])),
            Err(QueryError::UnknownField { key, .. }) if key == "shoe"
        ));
    }

    #[test]
    fn parts_suit_their_compound_type_only() {
        let part = |key: &str, part| Filter::Cond {
            target: Target::Part {
                key: key.into(),
                part,
            },
            op: Op::StartsWith("Ad".into()),
        };
        assert_eq!(checked(part("name", Part::FirstName)), Ok(()));
        assert!(matches!(
            checked(part("name", Part::City)),
            Err(QueryError::UnsupportedOperator { op: "part", .. })
        ));
        assert!(matches!(
            checked(part("title", Part::LastName)),
            Err(QueryError::UnsupportedOperator {
                field_type: "TEXT",
                ..
            })
        ));
    }
}
