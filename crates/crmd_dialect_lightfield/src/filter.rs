//! Lightfield's list parameters → a `crmd_query::Query`.
//!
//! `limit` (1–25, default 25), `offset` (≥ 0) and, on standard types, `status`
//! (`active` | `trashed`) are reserved; every other parameter is a filter
//! `key[operator]=value` or `key=value`, and filters are ANDed.
//! Keys arrive percent-encoded (`%24name%5Bcontains%5D`) and are decoded first.
//!
//! Operators by Lightfield value type (a `-` prefix negates any of them):
//!
//! | value type | operators |
//! |---|---|
//! | NUMBER, CURRENCY, DATETIME (and crmd's DATE) | equal, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual |
//! | TEXT, FULL_NAME, SOCIAL_HANDLE, ADDRESS | equal, startsWith |
//! | CHECKBOX, SINGLE_SELECT | equal |
//! | EMAIL, TELEPHONE, URL | contains |
//! | MULTI_SELECT, MARKDOWN, HTML | none: not filterable |
//! | relationship | equal and contains, both "related to one of these ids" |
//!
//! Without an operator, `equal` applies when the type allows it, otherwise `contains`.
//! A value is one value (commas are not split), except for relationships, where a
//! comma-separated list of ids means any of them.

use crate::error::ApiError;
use crmd_core::{FieldDef, FieldType, ObjectType, RecordId, RelationshipSide, Schema, Value};
use crmd_query::{Filter, Op, Page, Query, RelatedOp, SortKey, Target, Trashed};
use crmd_service::ServiceError;
use crmd_service::pipelines::Pipelines;

/// The largest page Lightfield serves.
pub(crate) const MAX_LIMIT: u32 = 25;
/// The largest page of field history.
pub(crate) const MAX_HISTORY_LIMIT: u32 = 100;
const DEFAULT_HISTORY_LIMIT: u32 = 20;

/// Decoded `name=value` pairs of a query string, in order.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// The query of a list endpoint. `has_status` is false on custom objects, whose lists
/// have no `status`: there, `status` is a filter like any other key.
pub(crate) fn list_query(
    schema: &Schema,
    object_type: &ObjectType,
    pairs: &[(String, String)],
    has_status: bool,
) -> Result<Query, ApiError> {
    let mut limit = None;
    let mut offset = None;
    let mut status = None;
    let mut filters = Vec::new();
    let stages = match Pipelines::of(object_type) {
        Some(pipelines) => Some(StageContext {
            pipelines,
            chosen: chosen_pipeline(pipelines, pairs)?,
        }),
        None => None,
    };
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "limit" => &mut limit,
            "offset" => &mut offset,
            "status" if has_status => &mut status,
            _ => {
                filters.push(parse_filter(schema, object_type, stages.as_ref(), name, value)?);
                continue;
            }
        };
        if slot.replace(value.as_str()).is_some() {
            return Err(ApiError::bad_request(format!("parameter {name:?} is given twice")).param(name));
        }
    }
    let limit = match limit {
        None => MAX_LIMIT,
        Some(text) => parse_bounded(text, "limit", 1, MAX_LIMIT)?,
    };
    let offset = match offset {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|_| is_plain_integer(text))
            .ok_or_else(|| {
                ApiError::bad_request(format!("offset must be an integer of at least 0, got {text:?}"))
                    .param("offset")
            })?,
    };
    let trashed = match status {
        None | Some("active") => Trashed::Exclude,
        Some("trashed") => Trashed::Only,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "status must be \"active\" or \"trashed\", got {other:?}"
            ))
            .param("status"));
        }
    };
    let filter = match filters.len() {
        0 => None,
        1 => filters.pop(),
        _ => Some(Filter::And(filters)),
    };
    Ok(Query {
        filter,
        sort: vec![SortKey {
            target: Target::CreatedAt,
            is_descending: true,
        }],
        page: Page::Offset { offset, limit },
        with_total: true,
        trashed,
    })
}

/// `after` and `limit` of a field-history request: the sequence number to continue
/// before, and the page size (1–100, default 20).
pub(crate) fn history_params(pairs: &[(String, String)]) -> Result<(Option<u64>, u32), ApiError> {
    let mut after = None;
    let mut limit = DEFAULT_HISTORY_LIMIT;
    for (name, value) in pairs {
        match name.as_str() {
            "after" => {
                let seq = value
                    .parse::<u64>()
                    .ok()
                    .filter(|_| is_plain_integer(value))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "after must be a nextCursor from an earlier page, got {value:?}"
                        ))
                        .param("after")
                    })?;
                after = Some(seq);
            }
            "limit" => limit = parse_bounded(value, "limit", 1, MAX_HISTORY_LIMIT)?,
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter {other:?}; field history takes after and limit"
                ))
                .param(other));
            }
        }
    }
    Ok((after, limit))
}

fn is_plain_integer(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn parse_bounded(text: &str, name: &str, min: u32, max: u32) -> Result<u32, ApiError> {
    text.parse::<u32>()
        .ok()
        .filter(|number| is_plain_integer(text) && (min..=max).contains(number))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{name} must be an integer from {min} to {max}, got {text:?}"
            ))
            .param(name)
        })
}

/// A Lightfield filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    StartsWith,
    Contains,
}

impl Operator {
    const ALL: [Operator; 7] = [
        Operator::Equal,
        Operator::GreaterThan,
        Operator::GreaterThanOrEqual,
        Operator::LessThan,
        Operator::LessThanOrEqual,
        Operator::StartsWith,
        Operator::Contains,
    ];

    fn name(self) -> &'static str {
        match self {
            Operator::Equal => "equal",
            Operator::GreaterThan => "greaterThan",
            Operator::GreaterThanOrEqual => "greaterThanOrEqual",
            Operator::LessThan => "lessThan",
            Operator::LessThanOrEqual => "lessThanOrEqual",
            Operator::StartsWith => "startsWith",
            Operator::Contains => "contains",
        }
    }

    fn parse(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|operator| operator.name() == name)
    }
}

/// The operators Lightfield allows on a field type; empty when it is not filterable.
fn allowed_operators(field_type: FieldType) -> &'static [Operator] {
    use Operator as O;
    match field_type {
        FieldType::Number | FieldType::Currency | FieldType::Datetime | FieldType::Date => &[
            O::Equal,
            O::GreaterThan,
            O::GreaterThanOrEqual,
            O::LessThan,
            O::LessThanOrEqual,
        ],
        FieldType::Text | FieldType::FullName | FieldType::SocialHandle | FieldType::Address => {
            &[O::Equal, O::StartsWith]
        }
        FieldType::Checkbox | FieldType::SingleSelect => &[O::Equal],
        FieldType::Email | FieldType::Telephone | FieldType::Url => &[O::Contains],
        FieldType::MultiSelect | FieldType::Markdown | FieldType::Html => &[],
    }
}

const RELATIONSHIP_OPERATORS: &[Operator] = &[Operator::Equal, Operator::Contains];

fn invalid_filter(param: &str, message: String) -> ApiError {
    ApiError::bad_request(message).code("invalid_filter").param(param)
}

fn names(operators: &[Operator]) -> String {
    operators
        .iter()
        .map(|operator| operator.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The pipelines of the listed type, and the pipeline a positive pipeline filter picks.
struct StageContext<'a> {
    pipelines: Pipelines<'a>,
    chosen: Option<&'a str>,
}

/// The pipeline of the one positive `$pipeline[equal]` filter, if any. A second one is
/// refused: it cannot disambiguate anything the first does not.
fn chosen_pipeline<'a>(
    pipelines: Pipelines<'a>,
    pairs: &[(String, String)],
) -> Result<Option<&'a str>, ApiError> {
    let mut chosen: Option<&'a str> = None;
    for (param, value) in pairs {
        let positive = [
            pipelines.pipeline.key.clone(),
            format!("{}[equal]", pipelines.pipeline.key),
        ];
        if !positive.contains(param) {
            continue;
        }
        let pipeline = pipeline_id(pipelines, param, value)?;
        if chosen.is_some() {
            return Err(invalid_filter(
                param,
                format!(
                    "at most one positive {} filter is allowed; use {}[-equal] to exclude pipelines",
                    pipelines.pipeline.key, pipelines.pipeline.key
                ),
            ));
        }
        chosen = Some(pipeline);
    }
    Ok(chosen)
}

/// A pipeline filter value: a pipeline id, never a name.
fn pipeline_id<'a>(pipelines: Pipelines<'a>, param: &str, value: &str) -> Result<&'a str, ApiError> {
    match pipelines.pipeline_by_id(value) {
        Some(pipeline) => Ok(pipeline.id.as_str()),
        None => {
            let error = ServiceError::UnknownPipeline {
                key: pipelines.pipeline.key.clone(),
                pipeline: value.trim().to_owned(),
                active: pipelines.pipeline_ids(),
            };
            Err(
                ApiError::bad_request(format!("filter {param:?}: {error}; filters take pipeline ids"))
                    .code("unknown_pipeline")
                    .param(param)
                    .pipeline_members(&error),
            )
        }
    }
}

/// `$pipeline[equal]`: the records whose stage is one of the pipeline's stages.
fn pipeline_filter(
    pipelines: Pipelines<'_>,
    param: &str,
    operator: Option<Operator>,
    value: &str,
) -> Result<Filter, ApiError> {
    choose_operator(
        &[Operator::Equal],
        operator,
        param,
        &format!("pipeline field {:?}", pipelines.pipeline.key),
    )?;
    let pipeline = pipeline_id(pipelines, param, value)?;
    let stages: Vec<Value> = pipelines
        .stages_of(pipeline)
        .map(|stage| Value::Choice(stage.id.clone()))
        .collect();
    Ok(if stages.is_empty() {
        Filter::Or(Vec::new())
    } else {
        Filter::Cond {
            target: Target::Field(pipelines.stage.key.clone()),
            op: Op::In(stages),
        }
    })
}

/// `$stage[equal]`: a stage id, or a label that names one stage, either alone or within the
/// pipeline a positive pipeline filter picks. Labels never fall back to a default pipeline.
fn stage_filter(
    context: &StageContext<'_>,
    param: &str,
    operator: Option<Operator>,
    value: &str,
) -> Result<Filter, ApiError> {
    let pipelines = context.pipelines;
    choose_operator(
        &[Operator::Equal],
        operator,
        param,
        &format!("stage field {:?}", pipelines.stage.key),
    )?;
    let equal = |id: &str| Filter::Cond {
        target: Target::Field(pipelines.stage.key.clone()),
        op: Op::Eq(Value::Choice(id.to_owned())),
    };
    if value.trim().is_empty() {
        return Err(invalid_filter(param, format!("filter {param:?} needs a value")));
    }
    if let Some(stage) = pipelines.stage.option(value.trim()) {
        return Ok(equal(&stage.id));
    }
    let labelled = pipelines.stages_labelled(value);
    if let Some(chosen) = context.chosen {
        // A label that the chosen pipeline lacks matches nothing, like a stage id would.
        return Ok(labelled
            .iter()
            .find(|stage| stage.parent_id.as_deref() == Some(chosen))
            .map_or(Filter::Or(Vec::new()), |stage| equal(&stage.id)));
    }
    match labelled.as_slice() {
        [] => Err(invalid_filter(
            param,
            format!(
                "filter {param:?}: {:?} is neither a stage id nor a stage label",
                value.trim()
            ),
        )),
        [only] => Ok(equal(&only.id)),
        several => {
            let error = ServiceError::AmbiguousStageLabel {
                key: pipelines.stage.key.clone(),
                message: String::new(),
                candidates: pipelines.candidates(several.iter().copied()),
            };
            Err(ApiError::bad_request(format!(
                "filter {param:?}: stage label {:?} names stages of several pipelines; add {}[equal]=<pipeline id> or use a stage id",
                value.trim(),
                pipelines.pipeline.key
            ))
            .code("ambiguous_stage_label")
            .param(param)
            .pipeline_members(&error))
        }
    }
}

/// One filter parameter: `key`, `key[operator]` or `key[-operator]`.
fn parse_filter(
    schema: &Schema,
    object_type: &ObjectType,
    stages: Option<&StageContext<'_>>,
    param: &str,
    value: &str,
) -> Result<Filter, ApiError> {
    let (key, operator) = match param.split_once('[') {
        None => (param, None),
        Some((key, rest)) => match rest.strip_suffix(']') {
            Some(operator) if !operator.contains(['[', ']']) => (key, Some(operator)),
            Some(_) | None => {
                return Err(invalid_filter(
                    param,
                    format!(
                        "filter {param:?} is malformed; write key[operator]=value, such as $name[equal]=Acme"
                    ),
                ));
            }
        },
    };
    if key.is_empty() {
        return Err(invalid_filter(param, format!("filter {param:?} names no field")));
    }
    let (key, direction) = match key.split_once(':') {
        None => (key, None),
        Some((bare, "asSource")) => (bare, Some(Direction::AsSource)),
        Some((bare, "asDestination")) => (bare, Some(Direction::AsDestination)),
        Some(_) => {
            return Err(invalid_filter(
                param,
                format!(
                    "filter {param:?}: a key takes only the direction suffixes :asSource and :asDestination"
                ),
            ));
        }
    };
    let (is_negated, operator) = match operator {
        None => (false, None),
        Some(name) => {
            let (is_negated, bare) = match name.strip_prefix('-') {
                Some(bare) => (true, bare),
                None => (false, name),
            };
            let operator = Operator::parse(bare).ok_or_else(|| {
                invalid_filter(
                    param,
                    format!(
                        "unknown filter operator {name:?}; operators are {}, each negated by a leading -",
                        names(&Operator::ALL)
                    ),
                )
            })?;
            (is_negated, Some(operator))
        }
    };
    let field = object_type.field(key);
    let filter = if let (Some(field), None) = (field, direction) {
        match stages {
            Some(context) if context.pipelines.pipeline.key == field.key => {
                pipeline_filter(context.pipelines, param, operator, value)?
            }
            Some(context) if context.pipelines.stage.key == field.key => {
                stage_filter(context, param, operator, value)?
            }
            Some(_) | None => field_filter(field, param, operator, value)?,
        }
    } else if field.is_some() {
        return Err(invalid_filter(
            param,
            format!(
                "filter {param:?}: direction suffixes apply to self-referential relationships, and {key:?} is a field"
            ),
        ));
    } else if let Some(side) = relationship_side(schema, object_type, key) {
        let key = directed_key(side, direction, param)?;
        relationship_filter(key, param, operator, value)?
    } else {
        return Err(ApiError::bad_request(format!(
            "unknown field or relationship {key:?} on object {:?}",
            object_type.slug
        ))
        .code("unknown_field")
        .param(param));
    };
    Ok(if is_negated {
        Filter::Not(Box::new(filter))
    } else {
        filter
    })
}

/// Which end of a self-referential relationship a filter looks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// The listed record is the source of the links.
    AsSource,
    /// The listed record is the destination of the links.
    AsDestination,
}

/// The relationship the type calls `key`, by its key (`$account`) or by its definition
/// slug (`$task-account`: the type's slug and the key without `$`, joined by `-`).
fn relationship_side<'a>(
    schema: &'a Schema,
    object_type: &ObjectType,
    key: &str,
) -> Option<RelationshipSide<'a>> {
    schema.relationship(&object_type.slug, key).or_else(|| {
        let (system, rest) = match key.strip_prefix('$') {
            Some(rest) => ("$", rest),
            None => ("", key),
        };
        let bare = rest.strip_prefix(object_type.slug.as_str())?.strip_prefix('-')?;
        schema.relationship(&object_type.slug, &format!("{system}{bare}"))
    })
}

/// The definition slug of a relationship key on an object type: `$task-account` for the
/// task's `$account`, `project-parent` for a custom `parent`.
pub(crate) fn relationship_slug(object_type: &str, key: &str) -> String {
    match key.strip_prefix('$') {
        Some(bare) => format!("${object_type}-{bare}"),
        None => format!("{object_type}-{key}"),
    }
}

/// The key of the end a filter reads: the side's own key, or with a direction suffix on a
/// self-referential relationship, the key of the source or destination end.
fn directed_key<'a>(
    side: RelationshipSide<'a>,
    direction: Option<Direction>,
    param: &str,
) -> Result<&'a str, ApiError> {
    let Some(direction) = direction else {
        return Ok(side.key());
    };
    let def = side.def;
    if def.source.object_type != def.target.object_type {
        return Err(invalid_filter(
            param,
            format!(
                "filter {param:?}: relationship {:?} is not self-referential, so it takes no :asSource or :asDestination",
                side.key()
            ),
        ));
    }
    let (end, name) = match direction {
        Direction::AsSource => (&def.source, "source"),
        Direction::AsDestination => (&def.target, "destination"),
    };
    end.key.as_deref().ok_or_else(|| {
        invalid_filter(
            param,
            format!(
                "filter {param:?}: the {name} end of relationship {:?} has no key in this schema, so it cannot be filtered",
                side.key()
            ),
        )
    })
}

fn choose_operator(
    allowed: &[Operator],
    operator: Option<Operator>,
    param: &str,
    what: &str,
) -> Result<Operator, ApiError> {
    let default = if allowed.contains(&Operator::Equal) {
        Operator::Equal
    } else {
        Operator::Contains
    };
    let operator = operator.unwrap_or(default);
    if allowed.contains(&operator) {
        Ok(operator)
    } else {
        Err(invalid_filter(
            param,
            format!(
                "operator {} is not supported on {what}; it takes {}",
                operator.name(),
                names(allowed)
            ),
        ))
    }
}

fn field_filter(
    field: &FieldDef,
    param: &str,
    operator: Option<Operator>,
    text: &str,
) -> Result<Filter, ApiError> {
    let value_type = crate::convert::value_type(field.field_type);
    let allowed = allowed_operators(field.field_type);
    if allowed.is_empty() {
        return Err(invalid_filter(
            param,
            format!("{value_type} field {:?} is not filterable", field.key),
        ));
    }
    let operator = choose_operator(
        allowed,
        operator,
        param,
        &format!("{value_type} field {:?}", field.key),
    )?;
    let needs_value = || invalid_filter(param, format!("filter {param:?} needs a value"));
    let typed = || match crmd_core::value::parse_text(field, text) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(needs_value()),
        Err(error) => Err(invalid_filter(
            param,
            format!("invalid value for filter {param:?}: {error}"),
        )),
    };
    let op = match operator {
        Operator::Equal => Op::Eq(typed()?),
        Operator::GreaterThan => Op::Gt(typed()?),
        Operator::GreaterThanOrEqual => Op::Gte(typed()?),
        Operator::LessThan => Op::Lt(typed()?),
        Operator::LessThanOrEqual => Op::Lte(typed()?),
        // An empty prefix means "set and non-empty".
        Operator::StartsWith => Op::StartsWith(text.to_owned()),
        Operator::Contains if text.is_empty() => return Err(needs_value()),
        Operator::Contains => Op::Contains(text.to_owned()),
    };
    Ok(Filter::Cond {
        target: Target::Field(field.key.clone()),
        op,
    })
}

fn relationship_filter(
    key: &str,
    param: &str,
    operator: Option<Operator>,
    text: &str,
) -> Result<Filter, ApiError> {
    choose_operator(
        RELATIONSHIP_OPERATORS,
        operator,
        param,
        &format!("relationship {key:?}"),
    )?;
    let ids = text
        .split(',')
        .map(|id| {
            id.trim().parse::<RecordId>().map_err(|_| {
                invalid_filter(
                    param,
                    format!("filter {param:?} takes record ids separated by commas, got {id:?}"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filter::Related {
        key: key.to_owned(),
        op: RelatedOp::AnyOf(ids),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_core::{Cardinality, FieldConfig, RelationshipDef, RelationshipEnd, SelectOption};
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

    fn end(object_type: &str, key: &str, cardinality: Cardinality) -> RelationshipEnd {
        RelationshipEnd {
            object_type: object_type.into(),
            key: Some(key.into()),
            label: key.into(),
            description: None,
            cardinality,
            is_read_only: false,
            is_required: false,
            names: BTreeMap::new(),
        }
    }

    fn sample_schema() -> Schema {
        let mut stage = field("$stage", FieldType::SingleSelect);
        stage.config.options = vec![SelectOption {
            id: "opt_won".into(),
            label: "Closed Won".into(),
            description: None,
            parent_id: None,
        }];
        let mut email = field("$email", FieldType::Email);
        email.config.is_multiple = true;
        let opportunity = ObjectType {
            id: "ot_opportunity".into(),
            slug: "opportunity".into(),
            label: "Opportunity".into(),
            plural_label: "Opportunities".into(),
            description: None,
            is_standard: true,
            display_field: Some("$name".into()),
            scope: "opportunities".into(),
            names: BTreeMap::new(),
            fields: vec![
                field("$name", FieldType::Text),
                stage,
                field("$amount", FieldType::Currency),
                field("$closeDate", FieldType::Datetime),
                field("renewal", FieldType::Date),
                field("$won", FieldType::Checkbox),
                email,
                field("$tags", FieldType::MultiSelect),
                field("$summary", FieldType::Markdown),
                field("$contactName", FieldType::FullName),
                field("status", FieldType::Text),
            ],
        };
        Schema {
            version: 1,
            object_types: vec![opportunity],
            relationships: vec![
                RelationshipDef {
                    id: "rd_1".into(),
                    source: end("opportunity", "$account", Cardinality::HasOne),
                    target: end("account", "$opportunity", Cardinality::HasMany),
                },
                RelationshipDef {
                    id: "rd_2".into(),
                    source: end("opportunity", "parent", Cardinality::HasOne),
                    target: end("opportunity", "children", Cardinality::HasMany),
                },
                RelationshipDef {
                    id: "rd_3".into(),
                    source: end("opportunity", "follows", Cardinality::HasMany),
                    target: RelationshipEnd {
                        key: None,
                        ..end("opportunity", "", Cardinality::HasMany)
                    },
                },
            ],
        }
    }

    /// Parses a raw query string as the list endpoint of a standard type does.
    #[track_caller]
    fn check(query: &str, expected: Expect) {
        let schema = sample_schema();
        let object_type = &schema.object_types[0];
        let result = list_query(&schema, object_type, &query_pairs(Some(query)), true);
        let shown = match result {
            Ok(query) => format!("{:?} {:?} {:?}", query.page, query.trashed, query.filter),
            Err(error) => format!(
                "{} {:?} {:?}: {}",
                error.status.as_u16(),
                error.code,
                error.param,
                error.message
            ),
        };
        expected.assert_eq(&shown);
    }

    #[test]
    fn no_parameters_is_the_first_page_of_active_records() {
        check("", expect![[r#"Offset { offset: 0, limit: 25 } Exclude None"#]]);
    }

    #[test]
    fn paging_and_status() {
        check(
            "limit=5&offset=10&status=trashed",
            expect![[r#"Offset { offset: 10, limit: 5 } Only None"#]],
        );
        check(
            "limit=26",
            expect![[r#"400 None Some("limit"): limit must be an integer from 1 to 25, got "26""#]],
        );
        check(
            "limit=0",
            expect![[r#"400 None Some("limit"): limit must be an integer from 1 to 25, got "0""#]],
        );
        check(
            "limit=abc",
            expect![[r#"400 None Some("limit"): limit must be an integer from 1 to 25, got "abc""#]],
        );
        check(
            "limit=+5",
            expect![[r#"400 None Some("limit"): limit must be an integer from 1 to 25, got " 5""#]],
        );
        check(
            "offset=-1",
            expect![[r#"400 None Some("offset"): offset must be an integer of at least 0, got "-1""#]],
        );
        check(
            "status=all",
            expect![[r#"400 None Some("status"): status must be "active" or "trashed", got "all""#]],
        );
        check(
            "limit=5&limit=6",
            expect![[r#"400 None Some("limit"): parameter "limit" is given twice"#]],
        );
    }

    #[test]
    fn percent_encoded_keys_are_decoded() {
        check(
            "%24name%5Bcontains%5D=acme",
            expect![[
                r#"400 Some("invalid_filter") Some("$name[contains]"): operator contains is not supported on TEXT field "$name"; it takes equal, startsWith"#
            ]],
        );
        check(
            "%24name%5BstartsWith%5D=Ac%2Cme",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$name"), op: StartsWith("Ac,me") })"#
            ]],
        );
    }

    #[test]
    fn default_operator_is_equal_when_allowed_else_contains() {
        check(
            "$name=Acme%20Corp",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$name"), op: Eq(Text("Acme Corp")) })"#
            ]],
        );
        check(
            "$email=alex@customer.com",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$email"), op: Contains("alex@customer.com") })"#
            ]],
        );
    }

    #[test]
    fn comparisons_parse_typed_values() {
        check(
            "$amount[greaterThanOrEqual]=100000&$amount[lessThan]=250000.5",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(And([Cond { target: Field("$amount"), op: Gte(Number(100000)) }, Cond { target: Field("$amount"), op: Lt(Number(250000.5)) }]))"#
            ]],
        );
        check(
            "$closeDate[lessThanOrEqual]=2026-03-01T00:00:00.000Z",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$closeDate"), op: Lte(Datetime(Timestamp(1772323200000))) })"#
            ]],
        );
        check(
            "renewal[greaterThan]=2026-03-01",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("renewal"), op: Gt(Date(2026-03-01)) })"#
            ]],
        );
        check(
            "$amount[greaterThan]=lots",
            expect![[
                r#"400 Some("invalid_filter") Some("$amount[greaterThan]"): invalid value for filter "$amount[greaterThan]": "lots" is not a number"#
            ]],
        );
    }

    #[test]
    fn selects_match_labels_and_checkboxes_booleans() {
        check(
            "$stage[equal]=closed%20won",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$stage"), op: Eq(Choice("opt_won")) })"#
            ]],
        );
        check(
            "$won=false",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$won"), op: Eq(Bool(false)) })"#
            ]],
        );
    }

    #[test]
    fn negation_wraps_in_not() {
        check(
            "$name[-equal]=Acme",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Not(Cond { target: Field("$name"), op: Eq(Text("Acme")) }))"#
            ]],
        );
        check(
            "$name[-startsWith]=",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Not(Cond { target: Field("$name"), op: StartsWith("") }))"#
            ]],
        );
    }

    #[test]
    fn relationship_filters_take_id_lists() {
        check(
            "%24account=12,13",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Related { key: "$account", op: AnyOf([RecordId(12), RecordId(13)]) })"#
            ]],
        );
        check(
            "$account[-contains]=12",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Not(Related { key: "$account", op: AnyOf([RecordId(12)]) }))"#
            ]],
        );
        check(
            "$account[equal]=acc_1",
            expect![[
                r#"400 Some("invalid_filter") Some("$account[equal]"): filter "$account[equal]" takes record ids separated by commas, got "acc_1""#
            ]],
        );
        check(
            "$account[startsWith]=1",
            expect![[
                r#"400 Some("invalid_filter") Some("$account[startsWith]"): operator startsWith is not supported on relationship "$account"; it takes equal, contains"#
            ]],
        );
    }

    #[test]
    fn refusals_name_the_parameter() {
        check(
            "$bogus=1",
            expect![[
                r#"400 Some("unknown_field") Some("$bogus"): unknown field or relationship "$bogus" on object "opportunity""#
            ]],
        );
        check(
            "$tags[equal]=a",
            expect![[
                r#"400 Some("invalid_filter") Some("$tags[equal]"): MULTI_SELECT field "$tags" is not filterable"#
            ]],
        );
        check(
            "$summary=a",
            expect![[
                r#"400 Some("invalid_filter") Some("$summary"): MARKDOWN field "$summary" is not filterable"#
            ]],
        );
        check(
            "$name[like]=a",
            expect![[
                r#"400 Some("invalid_filter") Some("$name[like]"): unknown filter operator "like"; operators are equal, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, startsWith, contains, each negated by a leading -"#
            ]],
        );
        check(
            "$name[equal][x]=a",
            expect![[
                r#"400 Some("invalid_filter") Some("$name[equal][x]"): filter "$name[equal][x]" is malformed; write key[operator]=value, such as $name[equal]=Acme"#
            ]],
        );
        check(
            "$name[equal]=",
            expect![[
                r#"400 Some("invalid_filter") Some("$name[equal]"): filter "$name[equal]" needs a value"#
            ]],
        );
    }

    #[test]
    fn self_referential_relationships_take_a_direction() {
        check(
            "parent:asSource[contains]=1",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Related { key: "parent", op: AnyOf([RecordId(1)]) })"#
            ]],
        );
        check(
            "parent:asDestination=1,2",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Related { key: "children", op: AnyOf([RecordId(1), RecordId(2)]) })"#
            ]],
        );
        check(
            "children:asSource[-equal]=3",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Not(Related { key: "parent", op: AnyOf([RecordId(3)]) }))"#
            ]],
        );
        check(
            "opportunity-parent%3AasDestination=4",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Related { key: "children", op: AnyOf([RecordId(4)]) })"#
            ]],
        );
        check(
            "follows:asDestination=1",
            expect![[
                r#"400 Some("invalid_filter") Some("follows:asDestination"): filter "follows:asDestination": the destination end of relationship "follows" has no key in this schema, so it cannot be filtered"#
            ]],
        );
        check(
            "$account:asSource=1",
            expect![[
                r#"400 Some("invalid_filter") Some("$account:asSource"): filter "$account:asSource": relationship "$account" is not self-referential, so it takes no :asSource or :asDestination"#
            ]],
        );
        check(
            "$name:asSource=1",
            expect![[
                r#"400 Some("invalid_filter") Some("$name:asSource"): filter "$name:asSource": direction suffixes apply to self-referential relationships, and "$name" is a field"#
            ]],
        );
        check(
            "parent:upward=1",
            expect![[
                r#"400 Some("invalid_filter") Some("parent:upward"): filter "parent:upward": a key takes only the direction suffixes :asSource and :asDestination"#
            ]],
        );
    }

    #[test]
    fn definition_slugs_are_relationship_keys() {
        check(
            "$opportunity-account=12",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Related { key: "$account", op: AnyOf([RecordId(12)]) })"#
            ]],
        );
        check(
            "opportunity-parent[-contains]=5",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Not(Related { key: "parent", op: AnyOf([RecordId(5)]) }))"#
            ]],
        );
        // The slug is the listed type's: another type's slug names nothing here.
        check(
            "$task-account=12",
            expect![[
                r#"400 Some("unknown_field") Some("$task-account"): unknown field or relationship "$task-account" on object "opportunity""#
            ]],
        );
        check(
            "opportunity-account=12",
            expect![[
                r#"400 Some("unknown_field") Some("opportunity-account"): unknown field or relationship "opportunity-account" on object "opportunity""#
            ]],
        );
        assert_eq!(relationship_slug("task", "$account"), "$task-account");
        assert_eq!(relationship_slug("project", "parent"), "project-parent");
    }

    /// Lightfield's operator table (spec §5.2), written out independently of
    /// `allowed_operators`: the operators each field type takes.
    fn documented_operators(field_type: FieldType) -> &'static [&'static str] {
        const COMPARISONS: &[&str] = &[
            "equal",
            "greaterThan",
            "greaterThanOrEqual",
            "lessThan",
            "lessThanOrEqual",
        ];
        match field_type {
            FieldType::Number | FieldType::Currency | FieldType::Datetime | FieldType::Date => COMPARISONS,
            FieldType::Text | FieldType::FullName | FieldType::SocialHandle | FieldType::Address => {
                &["equal", "startsWith"]
            }
            FieldType::Checkbox | FieldType::SingleSelect => &["equal"],
            FieldType::Email | FieldType::Telephone | FieldType::Url => &["contains"],
            FieldType::MultiSelect | FieldType::Markdown | FieldType::Html => &[],
        }
    }

    /// A valid filter value for each field type.
    fn sample_value(field_type: FieldType) -> &'static str {
        match field_type {
            FieldType::Number | FieldType::Currency => "42",
            FieldType::Datetime => "2026-03-01T00:00:00.000Z",
            FieldType::Date => "2026-03-01",
            FieldType::Checkbox => "true",
            FieldType::SingleSelect => "opt_one",
            FieldType::Address => r#"{"city":"Oslo"}"#,
            FieldType::SocialHandle => "https://www.linkedin.com/in/ada",
            FieldType::FullName => "Ada Lovelace",
            FieldType::Text
            | FieldType::Email
            | FieldType::Telephone
            | FieldType::Url
            | FieldType::MultiSelect
            | FieldType::Markdown
            | FieldType::Html => "ada",
        }
    }

    /// The name of the query-model operator a filter parsed to, under any `Not`.
    fn op_name(filter: &Filter) -> String {
        match filter {
            Filter::Not(inner) => format!("not {}", op_name(inner)),
            Filter::Cond { op, .. } => format!("{op:?}").split('(').next().unwrap_or_default().to_owned(),
            other @ (Filter::And(_) | Filter::Or(_) | Filter::Related { .. } | Filter::Search { .. }) => {
                format!("{other:?}")
            }
        }
    }

    #[test]
    fn every_type_every_operator_every_negation() {
        let expected_op = |operator: &str| match operator {
            "equal" => "Eq",
            "greaterThan" => "Gt",
            "greaterThanOrEqual" => "Gte",
            "lessThan" => "Lt",
            "lessThanOrEqual" => "Lte",
            "startsWith" => "StartsWith",
            "contains" => "Contains",
            other => panic!("no such operator {other}"),
        };
        let mut checked = 0;
        for field_type in FieldType::ALL {
            let mut field = field("f", field_type);
            field.config.options = vec![SelectOption {
                id: "opt_one".into(),
                label: "One".into(),
                description: None,
                parent_id: None,
            }];
            field.config.handle_service = Some(crmd_core::HandleService::Linkedin);
            let object_type = ObjectType {
                fields: vec![field],
                ..sample_schema().object_types[0].clone()
            };
            let schema = Schema {
                object_types: vec![object_type.clone()],
                ..sample_schema()
            };
            let allowed = documented_operators(field_type);
            for operator in Operator::ALL.map(Operator::name) {
                for is_negated in [false, true] {
                    let param = format!("f[{}{operator}]", if is_negated { "-" } else { "" });
                    let result = list_query(
                        &schema,
                        &object_type,
                        &[(param.clone(), sample_value(field_type).into())],
                        true,
                    );
                    let case = format!("{field_type:?} {param}");
                    if allowed.contains(&operator) {
                        let filter = result
                            .unwrap_or_else(|error| panic!("{case}: {}", error.message))
                            .filter
                            .unwrap_or_else(|| panic!("{case}: no filter"));
                        let wanted = if is_negated {
                            format!("not {}", expected_op(operator))
                        } else {
                            expected_op(operator).to_owned()
                        };
                        assert_eq!(op_name(&filter), wanted, "{case}");
                    } else {
                        let error = result.err().unwrap_or_else(|| panic!("{case}: accepted"));
                        assert_eq!(error.status.as_u16(), 400, "{case}");
                        assert_eq!(error.code.as_deref(), Some("invalid_filter"), "{case}");
                        assert_eq!(error.param.as_deref(), Some(param.as_str()), "{case}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 16 * 7 * 2);
    }

    #[test]
    fn relationships_take_equal_and_contains_only() {
        for operator in Operator::ALL.map(Operator::name) {
            for prefix in ["", "-"] {
                let param = format!("$account[{prefix}{operator}]");
                let schema = sample_schema();
                let result = list_query(
                    &schema,
                    &schema.object_types[0],
                    &[(param.clone(), "7".into())],
                    true,
                );
                if matches!(operator, "equal" | "contains") {
                    let filter = result.ok().and_then(|query| query.filter);
                    let related = Filter::Related {
                        key: "$account".into(),
                        op: RelatedOp::AnyOf(vec![RecordId(7)]),
                    };
                    let wanted = if prefix.is_empty() {
                        related
                    } else {
                        Filter::Not(Box::new(related))
                    };
                    assert_eq!(filter, Some(wanted), "{param}");
                } else {
                    let error = result.err().unwrap_or_else(|| panic!("{param}: accepted"));
                    assert_eq!(
                        (error.code.as_deref(), error.param.as_deref()),
                        (Some("invalid_filter"), Some(param.as_str()))
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_keys_and_brackets() {
        for (query, param) in [
            ("$name[equal=a", "$name[equal"),
            ("$name]equal[=a", "$name]equal["),
            ("$name[[equal]]=a", "$name[[equal]]"),
            ("$name[]=a", "$name[]"),
            ("$name[-]=a", "$name[-]"),
            ("$name[--equal]=a", "$name[--equal]"),
            ("[equal]=a", "[equal]"),
            ("%5Bequal%5D=a", "[equal]"),
            ("$name%5Bequal=a", "$name[equal"),
            ("$name[equal]x=a", "$name[equal]x"),
            ("$name[Equal]=a", "$name[Equal]"),
        ] {
            let schema = sample_schema();
            let error = list_query(&schema, &schema.object_types[0], &query_pairs(Some(query)), true)
                .err()
                .unwrap_or_else(|| panic!("{query}: accepted"));
            assert_eq!(
                (
                    error.status.as_u16(),
                    error.code.as_deref(),
                    error.param.as_deref()
                ),
                (400, Some("invalid_filter"), Some(param)),
                "{query}: {}",
                error.message
            );
        }
    }

    #[test]
    fn status_with_an_operator_is_a_field_filter() {
        check(
            "status[equal]=open",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("status"), op: Eq(Text("open")) })"#
            ]],
        );
    }

    #[test]
    fn full_names_compare_as_first_and_last() {
        check(
            "$contactName=Ada%20Lovelace",
            expect![[
                r#"Offset { offset: 0, limit: 25 } Exclude Some(Cond { target: Field("$contactName"), op: Eq(FullName(FullName { first_name: Some("Ada"), last_name: Some("Lovelace") })) })"#
            ]],
        );
    }

    #[test]
    fn history_parameters() {
        let show = |query: &str| match history_params(&query_pairs(Some(query))) {
            Ok(params) => format!("{params:?}"),
            Err(error) => format!("{:?}: {}", error.param, error.message),
        };
        expect![[r#"
            [
                "(None, 20)",
                "(Some(17), 100)",
                "Some(\"limit\"): limit must be an integer from 1 to 100, got \"101\"",
                "Some(\"after\"): after must be a nextCursor from an earlier page, got \"x\"",
                "Some(\"cursor\"): unknown parameter \"cursor\"; field history takes after and limit",
            ]
        "#]]
        .assert_debug_eq(&["", "after=17&limit=100", "limit=101", "after=x", "cursor=1"].map(show));
    }
}
