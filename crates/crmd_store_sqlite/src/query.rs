//! Compiling `crmd_query` queries to SQL with bound parameters, and running them.

use crate::error::{InternalError, SqliteResultExt};
use crate::layout::{ColumnKind, FieldLayout, Layout, TypeLayout, currency_units, index_name};
use crate::read::{RecordRow, load_related_many};
use crmd_core::{FieldType, Record, RecordId, Value};
use crmd_query::{Cursor, Filter, Op, Page, Part, Query, RelatedOp, SortKey, Target, Trashed};
use crmd_store::{RecordPage, StoreError, StoreResult};
use rusqlite::Connection;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// SQL text and its parameters, in order.
#[derive(Debug, Default, Clone)]
struct Sql {
    text: String,
    params: Vec<SqlValue>,
    aliases: usize,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, value: SqlValue) {
        self.text.push('?');
        self.params.push(value);
    }

    fn bind_list(&mut self, values: Vec<SqlValue>) {
        self.text.push('(');
        for (index, value) in values.into_iter().enumerate() {
            if index > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self.text.push(')');
    }

    fn next_alias(&mut self) -> usize {
        self.aliases += 1;
        self.aliases
    }
}

/// A LIKE pattern matching text that contains `fragment` (or starts with it).
fn like_pattern(fragment: &str, is_prefix: bool) -> String {
    let mut pattern = String::with_capacity(fragment.len() + 2);
    if !is_prefix {
        pattern.push('%');
    }
    for character in fragment.chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

fn mismatch(what: &str, value: &Value) -> StoreError {
    InternalError::FilterValueMismatch {
        what: format!("{what}: {value:?}"),
    }
    .into()
}

/// What a condition looks at.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Field(&'a FieldLayout),
    /// A part of a compound field, by its key in the stored JSON object.
    Part(&'a FieldLayout, &'static str),
    Id,
    Millis(&'static str),
}

/// The key of a part in the stored JSON of a compound value (see `crmd_store::codec`).
fn part_key(part: Part) -> &'static str {
    match part {
        Part::FirstName => "first_name",
        Part::LastName => "last_name",
        Part::Street => "street",
        Part::Street2 => "street2",
        Part::City => "city",
        Part::State => "state",
        Part::PostalCode => "postal_code",
        Part::Country => "country",
    }
}

/// The text of one part of a compound column, compared case-insensitively.
fn part_expression(alias: &str, field: &FieldLayout, part_key: &str) -> String {
    format!(
        "json_extract({alias}.{}, '$.{part_key}') COLLATE NOCASE",
        field.column
    )
}

impl Subject<'_> {
    fn kind(&self) -> ColumnKind {
        match self {
            Subject::Field(field) => field.kind,
            Subject::Part(..) => ColumnKind::Text,
            Subject::Id | Subject::Millis(_) => ColumnKind::Millis,
        }
    }

    fn expression(&self, alias: &str) -> String {
        match self {
            Subject::Field(field) => format!("{alias}.{}", field.column),
            Subject::Part(field, part_key) => part_expression(alias, field, part_key),
            Subject::Id => format!("{alias}.id"),
            Subject::Millis(column) => format!("{alias}.{column}"),
        }
    }

    /// The SQL value a scalar comparison binds.
    fn scalar(&self, value: &Value) -> StoreResult<SqlValue> {
        let what = match self {
            Subject::Field(field) | Subject::Part(field, _) => field.key.as_str(),
            Subject::Id => "the record id",
            Subject::Millis(column) => column,
        };
        let bound = match (self, self.kind(), value) {
            (Subject::Id, _, Value::Number(number)) => {
                SqlValue::Integer(number.to_i64().ok_or_else(|| mismatch(what, value))?)
            }
            (Subject::Id, _, Value::Text(text)) => SqlValue::Integer(
                text.parse::<RecordId>()
                    .map_err(|_| mismatch(what, value))?
                    .get()
                    .try_into()
                    .unwrap_or(0),
            ),
            (_, ColumnKind::Text | ColumnKind::LongText, Value::Text(text) | Value::Choice(text)) => {
                SqlValue::Text(text.clone())
            }
            (_, ColumnKind::Choice, Value::Choice(text) | Value::Text(text)) => SqlValue::Text(text.clone()),
            (_, ColumnKind::Real, Value::Number(number)) => {
                SqlValue::Real(number.to_f64().ok_or_else(|| mismatch(what, value))?)
            }
            (_, ColumnKind::Currency, Value::Number(number)) => match currency_units(*number) {
                Some(units) if Decimal::from(units) == *number * Decimal::from(10_000) => {
                    SqlValue::Integer(units)
                }
                _ => SqlValue::Real(
                    number
                        .checked_mul(Decimal::from(10_000))
                        .and_then(|scaled| scaled.to_f64())
                        .ok_or_else(|| mismatch(what, value))?,
                ),
            },
            (_, ColumnKind::Bool, Value::Bool(flag)) => SqlValue::Integer(i64::from(*flag)),
            (_, ColumnKind::Millis, Value::Datetime(moment)) => SqlValue::Integer(moment.millis()),
            (_, ColumnKind::Millis, Value::Date(day)) => SqlValue::Integer(
                day.and_hms_opt(0, 0, 0)
                    .map_or(0, |moment| moment.and_utc().timestamp_millis()),
            ),
            (_, ColumnKind::Date, Value::Date(day)) => SqlValue::Text(day.format("%Y-%m-%d").to_string()),
            (_, ColumnKind::Date, Value::Datetime(moment)) => SqlValue::Text(
                chrono::DateTime::from_timestamp_millis(moment.millis())
                    .map(|moment| moment.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
            _ => return Err(mismatch(what, value)),
        };
        Ok(bound)
    }
}

/// The texts a value stands for when compared with elements of a list or parts of a
/// compound value.
fn texts(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Text(text) | Value::Choice(text) => Some(vec![text.clone()]),
        Value::Choices(items) | Value::List(items) => Some(items.clone()),
        Value::FullName(name) => Some(vec![name.display()]),
        Value::Number(_) | Value::Bool(_) | Value::Datetime(_) | Value::Date(_) | Value::Address(_) => None,
    }
}

/// The SQL operator of a comparison (`=` for the others).
fn comparison_operator(op: &Op) -> &'static str {
    match op {
        Op::Lt(_) => "<",
        Op::Lte(_) => "<=",
        Op::Gt(_) => ">",
        Op::Gte(_) => ">=",
        Op::Eq(_) | Op::In(_) | Op::StartsWith(_) | Op::Contains(_) | Op::ContainsToken(_) | Op::IsSet => "=",
    }
}

/// `first last` of a FULL_NAME column.
fn full_name_expression(column: &str) -> String {
    format!(
        "trim(coalesce(json_extract({column}, '$.first_name'), '') || ' ' || coalesce(json_extract({column}, '$.last_name'), ''))"
    )
}

struct Compiler<'a> {
    layout: &'a Layout,
    sql: Sql,
}

impl Compiler<'_> {
    fn filter(&mut self, type_layout: &TypeLayout, alias: &str, filter: &Filter) -> StoreResult<()> {
        match filter {
            Filter::And(children) | Filter::Or(children) => {
                let (joiner, empty) = if matches!(filter, Filter::And(_)) {
                    (" AND ", "1")
                } else {
                    (" OR ", "0")
                };
                if children.is_empty() {
                    self.sql.push(empty);
                    return Ok(());
                }
                self.sql.push("(");
                for (index, child) in children.iter().enumerate() {
                    if index > 0 {
                        self.sql.push(joiner);
                    }
                    self.filter(type_layout, alias, child)?;
                }
                self.sql.push(")");
                Ok(())
            }
            Filter::Not(child) => {
                // NULL (an unset value) counts as false, so NOT of it is true.
                self.sql.push("NOT IFNULL((");
                self.filter(type_layout, alias, child)?;
                self.sql.push("), 0)");
                Ok(())
            }
            Filter::Cond { target, op } => {
                let subject = match target {
                    Target::Field(key) => Subject::Field(type_layout.require_field(key)?.1),
                    Target::Id => Subject::Id,
                    Target::CreatedAt => Subject::Millis("created_at"),
                    Target::UpdatedAt => Subject::Millis("updated_at"),
                    Target::Part { key, part } => {
                        Subject::Part(type_layout.require_field(key)?.1, part_key(*part))
                    }
                };
                self.condition(subject, alias, op)
            }
            Filter::Related { key, op } => self.related(type_layout, alias, key, op),
            Filter::Search { keys, text } => self.search(type_layout, alias, keys, text),
        }
    }

    /// Full-text search: the FTS5 index (`search_text`, one row per record) finds the records
    /// that have every word somewhere; each word is then checked against the named fields,
    /// so that the index only narrows and the fields decide.
    fn search(
        &mut self,
        type_layout: &TypeLayout,
        alias: &str,
        keys: &[String],
        text: &str,
    ) -> StoreResult<()> {
        let words = crate::search::words(text);
        if words.is_empty() {
            self.sql.push("1");
            return Ok(());
        }
        let mut fields = Vec::new();
        for key in keys {
            let (_, field) = type_layout.require_field(key)?;
            if crate::search::is_searchable(field.kind)
                && !fields.iter().any(|known: &&FieldLayout| known.key == field.key)
            {
                fields.push(field);
            }
        }
        if fields.is_empty() {
            self.sql.push("0");
            return Ok(());
        }
        self.sql.push(&format!(
            "({alias}.id IN (SELECT rowid FROM search_text WHERE search_text MATCH "
        ));
        self.sql
            .bind(SqlValue::Text(crate::search::match_expression(&words)));
        self.sql.push(")");
        for word in &words {
            self.sql.push(" AND (");
            for (index, field) in fields.iter().enumerate() {
                if index > 0 {
                    self.sql.push(" OR ");
                }
                let subject = Subject::Field(field);
                self.sql.push("IFNULL(");
                self.condition(subject, alias, &Op::ContainsToken(format!("{word}*")))?;
                self.sql.push(", 0)");
            }
            self.sql.push(")");
        }
        self.sql.push(")");
        Ok(())
    }

    fn related(
        &mut self,
        type_layout: &TypeLayout,
        alias: &str,
        key: &str,
        op: &RelatedOp,
    ) -> StoreResult<()> {
        let side = type_layout.require_side(key)?;
        let (this_column, far_column) = side.columns();
        let number = self.sql.next_alias();
        let edge = format!("e{number}");
        let far = format!("t{number}");
        let far_type = self.layout.require(&side.far_type_slug)?;
        let join_table = match op {
            RelatedOp::Matches(_) => far_type.table.clone(),
            RelatedOp::AnyOf(_) | RelatedOp::IsSet => "records".to_owned(),
        };
        // IsSet is usually true of many records: test each one. AnyOf and Matches are
        // usually selective: list the matching ids from the edges, so the planner can start
        // from them.
        let text = match op {
            RelatedOp::IsSet => format!(
                "EXISTS (SELECT 1 FROM edges {edge} JOIN {join_table} {far} ON {far}.id = {edge}.{far_column} \
                 WHERE {edge}.{this_column} = {alias}.id AND {far}.trashed_at IS NULL AND {edge}.rel_id = "
            ),
            RelatedOp::AnyOf(_) | RelatedOp::Matches(_) => format!(
                "{alias}.id IN (SELECT {edge}.{this_column} FROM edges {edge} JOIN {join_table} {far} \
                 ON {far}.id = {edge}.{far_column} WHERE {far}.trashed_at IS NULL AND {edge}.rel_id = "
            ),
        };
        self.sql.push(&text);
        self.sql.bind(SqlValue::Text(side.rel_id.clone()));
        match op {
            RelatedOp::AnyOf(ids) => {
                if ids.is_empty() {
                    self.sql.push(" AND 0");
                } else {
                    self.sql.push(&format!(" AND {edge}.{far_column} IN "));
                    self.sql.bind_list(
                        ids.iter()
                            .map(|id| SqlValue::Integer(i64::try_from(id.get()).unwrap_or(i64::MAX)))
                            .collect(),
                    );
                }
            }
            RelatedOp::IsSet => {}
            RelatedOp::Matches(inner) => {
                self.sql.push(" AND ");
                let far_type = far_type.clone();
                self.filter(&far_type, &far, inner)?;
            }
        }
        self.sql.push(")");
        Ok(())
    }

    fn condition(&mut self, subject: Subject<'_>, alias: &str, op: &Op) -> StoreResult<()> {
        let expression = subject.expression(alias);
        match subject.kind() {
            ColumnKind::JsonList => self.list_condition(subject, &expression, op),
            ColumnKind::Compound => match subject {
                Subject::Field(field) if field.field_type == FieldType::FullName => {
                    self.full_name_condition(&expression, op)
                }
                Subject::Field(_) | Subject::Part(..) | Subject::Id | Subject::Millis(_) => {
                    self.address_condition(&expression, op)
                }
            },
            ColumnKind::Text
            | ColumnKind::LongText
            | ColumnKind::Real
            | ColumnKind::Currency
            | ColumnKind::Bool
            | ColumnKind::Millis
            | ColumnKind::Date
            | ColumnKind::Choice => self.scalar_condition(subject, &expression, op),
        }
    }

    fn is_set(&mut self, subject: Subject<'_>, expression: &str) {
        let text = match subject.kind() {
            ColumnKind::Text | ColumnKind::LongText | ColumnKind::Date | ColumnKind::Choice => {
                format!("({expression} IS NOT NULL AND {expression} <> '')")
            }
            ColumnKind::JsonList => format!("({expression} IS NOT NULL AND {expression} <> '[]')"),
            ColumnKind::Compound => format!("({expression} IS NOT NULL AND {expression} <> '{{}}')"),
            ColumnKind::Real | ColumnKind::Currency | ColumnKind::Bool | ColumnKind::Millis => {
                format!("{expression} IS NOT NULL")
            }
        };
        self.sql.push(&text);
    }

    fn scalar_condition(&mut self, subject: Subject<'_>, expression: &str, op: &Op) -> StoreResult<()> {
        let comparison = |operator: &str| format!("{expression} {operator} ");
        match op {
            Op::Eq(value) => {
                self.sql.push(&comparison("="));
                self.sql.bind(subject.scalar(value)?);
            }
            Op::Lt(value) => {
                self.sql.push(&comparison("<"));
                self.sql.bind(subject.scalar(value)?);
            }
            Op::Lte(value) => {
                self.sql.push(&comparison("<="));
                self.sql.bind(subject.scalar(value)?);
            }
            Op::Gt(value) => {
                self.sql.push(&comparison(">"));
                self.sql.bind(subject.scalar(value)?);
            }
            Op::Gte(value) => {
                self.sql.push(&comparison(">="));
                self.sql.bind(subject.scalar(value)?);
            }
            Op::In(values) => {
                if values.is_empty() {
                    self.sql.push("0");
                } else {
                    self.sql.push(&comparison("IN"));
                    let bound = values
                        .iter()
                        .map(|value| subject.scalar(value))
                        .collect::<StoreResult<Vec<_>>>()?;
                    self.sql.bind_list(bound);
                }
            }
            Op::StartsWith(prefix) if prefix.is_empty() => self.is_set(subject, expression),
            Op::StartsWith(prefix) => {
                self.sql.push(&comparison("LIKE"));
                self.sql.bind(SqlValue::Text(like_pattern(prefix, true)));
                self.sql.push(" ESCAPE '\\'");
            }
            Op::Contains(fragment) => {
                self.sql.push(&comparison("LIKE"));
                self.sql.bind(SqlValue::Text(like_pattern(fragment, false)));
                self.sql.push(" ESCAPE '\\'");
            }
            Op::ContainsToken(token) => {
                self.sql.push(&format!("crmd_token_match({expression}, "));
                self.sql.bind(SqlValue::Text(token.clone()));
                self.sql.push(")");
            }
            Op::IsSet => self.is_set(subject, expression),
        }
        Ok(())
    }

    /// A predicate on any element of a JSON array column (or any part of an ADDRESS).
    fn any_element(&mut self, expression: &str, predicate: &str, bound: Vec<SqlValue>) {
        self.sql.push(&format!(
            "EXISTS (SELECT 1 FROM json_each({expression}) AS j WHERE j.type = 'text' AND j.value "
        ));
        self.sql.push(predicate);
        if predicate.ends_with("IN ") {
            self.sql.bind_list(bound);
        } else {
            for value in bound {
                self.sql.bind(value);
            }
            if predicate.starts_with("LIKE") {
                self.sql.push(" ESCAPE '\\'");
            }
        }
        self.sql.push(")");
    }

    fn text_values(subject: Subject<'_>, values: &[Value]) -> StoreResult<Vec<SqlValue>> {
        let mut bound = Vec::new();
        for value in values {
            let what = match subject {
                Subject::Field(field) | Subject::Part(field, _) => field.key.as_str(),
                Subject::Id | Subject::Millis(_) => "",
            };
            bound.extend(
                texts(value)
                    .ok_or_else(|| mismatch(what, value))?
                    .into_iter()
                    .map(SqlValue::Text),
            );
        }
        Ok(bound)
    }

    fn list_condition(&mut self, subject: Subject<'_>, expression: &str, op: &Op) -> StoreResult<()> {
        match op {
            Op::Eq(value) => {
                let bound = Self::text_values(subject, std::slice::from_ref(value))?;
                self.any_element(expression, "COLLATE NOCASE IN ", bound);
            }
            Op::In(values) => {
                let bound = Self::text_values(subject, values)?;
                if bound.is_empty() {
                    self.sql.push("0");
                } else {
                    self.any_element(expression, "COLLATE NOCASE IN ", bound);
                }
            }
            Op::Lt(value) | Op::Lte(value) | Op::Gt(value) | Op::Gte(value) => {
                let operator = comparison_operator(op);
                let bound = Self::text_values(subject, std::slice::from_ref(value))?;
                match bound.into_iter().next() {
                    Some(first) => {
                        self.any_element(expression, &format!("COLLATE NOCASE {operator} "), vec![first])
                    }
                    None => self.sql.push("0"),
                }
            }
            Op::StartsWith(prefix) if prefix.is_empty() => self.is_set(subject, expression),
            Op::StartsWith(prefix) => {
                self.any_element(
                    expression,
                    "LIKE ",
                    vec![SqlValue::Text(like_pattern(prefix, true))],
                );
            }
            Op::Contains(fragment) => {
                self.any_element(
                    expression,
                    "LIKE ",
                    vec![SqlValue::Text(like_pattern(fragment, false))],
                );
            }
            Op::ContainsToken(token) => {
                self.sql.push(&format!(
                    "EXISTS (SELECT 1 FROM json_each({expression}) AS j WHERE j.type = 'text' AND crmd_token_match(j.value, "
                ));
                self.sql.bind(SqlValue::Text(token.clone()));
                self.sql.push("))");
            }
            Op::IsSet => self.is_set(subject, expression),
        }
        Ok(())
    }

    fn address_condition(&mut self, expression: &str, op: &Op) -> StoreResult<()> {
        match op {
            Op::Eq(Value::Address(_)) => {
                let Op::Eq(value) = op else {
                    return Ok(());
                };
                self.sql.push(&format!("{expression} = "));
                self.sql.bind(SqlValue::Text(
                    crmd_store::codec::value_to_json(value).to_string(),
                ));
            }
            Op::Eq(value) => {
                let bound = texts(value).ok_or_else(|| mismatch("an address", value))?;
                self.any_element(
                    expression,
                    "COLLATE NOCASE IN ",
                    bound.into_iter().map(SqlValue::Text).collect(),
                );
            }
            Op::In(values) => {
                let mut bound = Vec::new();
                for value in values {
                    bound.extend(
                        texts(value)
                            .ok_or_else(|| mismatch("an address", value))?
                            .into_iter()
                            .map(SqlValue::Text),
                    );
                }
                if bound.is_empty() {
                    self.sql.push("0");
                } else {
                    self.any_element(expression, "COLLATE NOCASE IN ", bound);
                }
            }
            Op::Lt(value) | Op::Lte(value) | Op::Gt(value) | Op::Gte(value) => {
                return Err(mismatch("an ordering on an address", value));
            }
            Op::StartsWith(prefix) if prefix.is_empty() => {
                self.sql
                    .push(&format!("({expression} IS NOT NULL AND {expression} <> '{{}}')"));
            }
            Op::StartsWith(prefix) => {
                self.any_element(
                    expression,
                    "LIKE ",
                    vec![SqlValue::Text(like_pattern(prefix, true))],
                );
            }
            Op::Contains(fragment) => {
                self.any_element(
                    expression,
                    "LIKE ",
                    vec![SqlValue::Text(like_pattern(fragment, false))],
                );
            }
            Op::ContainsToken(token) => {
                self.sql.push(&format!(
                    "EXISTS (SELECT 1 FROM json_each({expression}) AS j WHERE j.type = 'text' AND crmd_token_match(j.value, "
                ));
                self.sql.bind(SqlValue::Text(token.clone()));
                self.sql.push("))");
            }
            Op::IsSet => self
                .sql
                .push(&format!("({expression} IS NOT NULL AND {expression} <> '{{}}')")),
        }
        Ok(())
    }

    fn full_name_condition(&mut self, expression: &str, op: &Op) -> StoreResult<()> {
        let name = full_name_expression(expression);
        let one_text = |value: &Value| -> StoreResult<SqlValue> {
            texts(value)
                .and_then(|texts| texts.into_iter().next())
                .map(SqlValue::Text)
                .ok_or_else(|| mismatch("a full name", value))
        };
        match op {
            Op::Eq(value) | Op::Lt(value) | Op::Lte(value) | Op::Gt(value) | Op::Gte(value) => {
                let operator = comparison_operator(op);
                self.sql.push(&format!("{name} {operator} "));
                self.sql.bind(one_text(value)?);
                self.sql.push(" COLLATE NOCASE");
            }
            Op::In(values) => {
                if values.is_empty() {
                    self.sql.push("0");
                } else {
                    self.sql.push(&format!("{name} COLLATE NOCASE IN "));
                    let bound = values.iter().map(one_text).collect::<StoreResult<Vec<_>>>()?;
                    self.sql.bind_list(bound);
                }
            }
            Op::StartsWith(prefix) if prefix.is_empty() => self.sql.push(&format!("{name} <> ''")),
            Op::StartsWith(prefix) => {
                // "Ada L" finds Ada Lovelace; "Love" finds her too.
                let pattern = like_pattern(prefix, true);
                self.sql.push(&format!("({name} LIKE "));
                self.sql.bind(SqlValue::Text(pattern.clone()));
                self.sql.push(&format!(
                    " ESCAPE '\\' OR json_extract({expression}, '$.last_name') LIKE "
                ));
                self.sql.bind(SqlValue::Text(pattern));
                self.sql.push(" ESCAPE '\\')");
            }
            Op::Contains(fragment) => {
                self.sql.push(&format!("{name} LIKE "));
                self.sql.bind(SqlValue::Text(like_pattern(fragment, false)));
                self.sql.push(" ESCAPE '\\'");
            }
            Op::ContainsToken(token) => {
                self.sql.push(&format!("crmd_token_match({name}, "));
                self.sql.bind(SqlValue::Text(token.clone()));
                self.sql.push(")");
            }
            Op::IsSet => self
                .sql
                .push(&format!("({expression} IS NOT NULL AND {name} <> '')")),
        }
        Ok(())
    }
}

/// The SQL expression a sort key orders by.
fn sort_expression(type_layout: &TypeLayout, alias: &str, key: &SortKey) -> StoreResult<(String, bool)> {
    Ok(match &key.target {
        Target::Field(field_key) => {
            let (_, field) = type_layout.require_field(field_key)?;
            if field.is_multiple {
                // A list of emails, URLs or numbers sorts by its first value.
                (format!("json_extract({alias}.{}, '$[0]')", field.column), true)
            } else {
                (format!("{alias}.{}", field.column), true)
            }
        }
        Target::Part { key: field_key, part } => {
            let (_, field) = type_layout.require_field(field_key)?;
            (part_expression(alias, field, part_key(*part)), true)
        }
        Target::Id => (format!("{alias}.id"), false),
        Target::CreatedAt => (format!("{alias}.created_at"), false),
        Target::UpdatedAt => (format!("{alias}.updated_at"), false),
    })
}

fn cursor_value(json: &serde_json::Value) -> StoreResult<SqlValue> {
    Ok(match json {
        serde_json::Value::Null => SqlValue::Null,
        serde_json::Value::Bool(flag) => SqlValue::Integer(i64::from(*flag)),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => SqlValue::Integer(integer),
            None => SqlValue::Real(number.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(text) => SqlValue::Text(text.clone()),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
            return Err(StoreError::Conflict(
                "the cursor does not match the query".to_owned(),
            ));
        }
    })
}

fn sql_to_json(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null | ValueRef::Blob(_) => serde_json::Value::Null,
        ValueRef::Integer(integer) => serde_json::Value::from(integer),
        ValueRef::Real(real) => {
            serde_json::Number::from_f64(real).map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
        ValueRef::Text(text) => serde_json::Value::String(String::from_utf8_lossy(text).into_owned()),
    }
}

/// The condition "comes after the cursor" in the sort order.
fn keyset_condition(sql: &mut Sql, sorts: &[(String, bool, bool)], cursor: &Cursor) -> StoreResult<()> {
    if cursor.sort_values.len() != sorts.len() {
        return Err(StoreError::Conflict(
            "the cursor does not match the query's sort".to_owned(),
        ));
    }
    let values = cursor
        .sort_values
        .iter()
        .map(cursor_value)
        .collect::<StoreResult<Vec<_>>>()?;
    let last_id = SqlValue::Integer(i64::try_from(cursor.last_id.get()).unwrap_or(i64::MAX));
    let is_id_descending = sorts.last().is_some_and(|(_, _, is_descending)| *is_descending);
    // Row values compare like the ORDER BY when no NULL can get in the way: every cursor
    // value is set and the direction is ascending (NULLs sort first), or the columns
    // cannot hold NULL.
    let is_uniform = sorts
        .iter()
        .all(|(_, _, is_descending)| *is_descending == is_id_descending);
    let is_null_free = values.iter().all(|value| !matches!(value, SqlValue::Null))
        && (!is_id_descending || sorts.iter().all(|(_, is_nullable, _)| !is_nullable));
    if !sorts.is_empty() && is_uniform && is_null_free {
        let columns: Vec<&str> = sorts
            .iter()
            .map(|(expression, _, _)| expression.as_str())
            .collect();
        sql.push(&format!(
            "({}, t.id) {} (",
            columns.join(", "),
            if is_id_descending { "<" } else { ">" }
        ));
        for (index, value) in values.into_iter().enumerate() {
            if index > 0 {
                sql.push(", ");
            }
            sql.bind(value);
        }
        sql.push(", ");
        sql.bind(last_id);
        sql.push(")");
        return Ok(());
    }
    // (k1 after v1) OR (k1 = v1 AND k2 after v2) OR … OR (all equal AND id after last id)
    sql.push("(");
    for position in 0..=sorts.len() {
        if position > 0 {
            sql.push(" OR ");
        }
        sql.push("(");
        for (index, ((expression, _, _), value)) in sorts.iter().zip(&values).take(position).enumerate() {
            if index > 0 {
                sql.push(" AND ");
            }
            if matches!(value, SqlValue::Null) {
                sql.push(&format!("{expression} IS NULL"));
            } else {
                sql.push(&format!("{expression} = "));
                sql.bind(value.clone());
            }
        }
        if position > 0 {
            sql.push(" AND ");
        }
        match (sorts.get(position), values.get(position)) {
            (Some((expression, _, is_descending)), Some(value)) => match (is_descending, value) {
                (false, SqlValue::Null) => sql.push(&format!("{expression} IS NOT NULL")),
                (false, _) => {
                    sql.push(&format!("{expression} > "));
                    sql.bind(value.clone());
                }
                (true, SqlValue::Null) => sql.push("0"),
                (true, _) => {
                    sql.push(&format!("({expression} < "));
                    sql.bind(value.clone());
                    sql.push(&format!(" OR {expression} IS NULL)"));
                }
            },
            _ => {
                sql.push(if is_id_descending { "t.id < " } else { "t.id > " });
                sql.bind(last_id.clone());
            }
        }
        sql.push(")");
    }
    sql.push(")");
    Ok(())
}

/// The compiled parts of a query.
struct Compiled {
    select: Sql,
    count: Option<Sql>,
    sort_count: usize,
    limit: u32,
    is_keyset: bool,
}

fn compile(layout: &Layout, type_layout: &TypeLayout, query: &Query) -> StoreResult<Compiled> {
    compile_with(layout, type_layout, query, None)
}

/// Compiles the query; `index` (`INDEXED BY …` or `NOT INDEXED`) forces how the page query
/// reaches its rows instead of leaving it to SQLite (see [`choose_walk`]).
fn compile_with(
    layout: &Layout,
    type_layout: &TypeLayout,
    query: &Query,
    index: Option<&str>,
) -> StoreResult<Compiled> {
    let mut compiler = Compiler {
        layout,
        sql: Sql::default(),
    };
    compiler.sql.push(match query.trashed {
        Trashed::Exclude => "t.trashed_at IS NULL",
        Trashed::Only => "t.trashed_at IS NOT NULL",
        Trashed::Include => "1",
    });
    if let Some(filter) = &query.filter {
        compiler.sql.push(" AND ");
        compiler.filter(type_layout, "t", filter)?;
    }
    let where_clause = compiler.sql;

    let count = query.with_total.then(|| {
        let mut count = Sql::default();
        count.push(&format!("SELECT COUNT(*) FROM {} t WHERE ", type_layout.table));
        count.push(&where_clause.text);
        count.params = where_clause.params.clone();
        count
    });

    let sorts: Vec<(String, bool, bool)> = query
        .sort
        .iter()
        .map(|key| {
            sort_expression(type_layout, "t", key)
                .map(|(expression, is_nullable)| (expression, is_nullable, key.is_descending))
        })
        .collect::<StoreResult<_>>()?;
    let is_id_descending = query.sort.last().is_some_and(|key| key.is_descending);

    let mut select = Sql::default();
    select.push(&format!("SELECT {}", type_layout.select_list));
    for (expression, _, _) in &sorts {
        select.push(", ");
        select.push(expression);
    }
    select.push(&format!(
        " FROM {} t {} WHERE ",
        type_layout.table,
        index.unwrap_or_default()
    ));
    select.push(&where_clause.text);
    select.params = where_clause.params;
    select.aliases = where_clause.aliases;

    let (limit, is_keyset) = match &query.page {
        Page::Offset { limit, .. } => (*limit, false),
        Page::After { cursor, limit } => {
            if let Some(cursor) = cursor {
                select.push(" AND ");
                keyset_condition(&mut select, &sorts, cursor)?;
            }
            (*limit, true)
        }
    };

    select.push(" ORDER BY ");
    for (expression, _, is_descending) in &sorts {
        select.push(expression);
        select.push(if *is_descending { " DESC, " } else { " ASC, " });
    }
    select.push(if is_id_descending { "t.id DESC" } else { "t.id ASC" });
    match &query.page {
        Page::Offset { offset, limit } => {
            select.push(" LIMIT ");
            select.bind(SqlValue::Integer(i64::from(*limit)));
            select.push(" OFFSET ");
            select.bind(SqlValue::Integer(i64::try_from(*offset).unwrap_or(i64::MAX)));
        }
        Page::After { limit, .. } => {
            select.push(" LIMIT ");
            // One more than the page tells whether there is a next page.
            select.bind(SqlValue::Integer(i64::from(*limit) + 1));
        }
    }
    Ok(Compiled {
        select,
        count,
        sort_count: sorts.len(),
        limit,
        is_keyset,
    })
}

pub(crate) fn query_records(
    connection: &Connection,
    layout: &Layout,
    object_type: &str,
    query: &Query,
) -> StoreResult<RecordPage> {
    let type_layout = layout.require(object_type)?;
    let (compiled, total) = prepare_page(connection, layout, type_layout, query)?;
    let mut statement = connection.prepare_cached(&compiled.select.text).store()?;
    let mut rows = statement
        .query(rusqlite::params_from_iter(compiled.select.params.iter()))
        .store()?;
    let mut records: Vec<Record> = Vec::with_capacity(compiled.limit.min(1000) as usize);
    let mut last_sort_values = Vec::new();
    let mut has_more = false;
    let first_sort_column = crate::layout::FIXED_COLUMNS + type_layout.fields.len();
    while let Some(row) = rows.next().store()? {
        if records.len() >= compiled.limit as usize {
            has_more = true;
            break;
        }
        let record = RecordRow::from_row(type_layout, row)?.into_record(type_layout, Default::default());
        if compiled.is_keyset {
            last_sort_values = (0..compiled.sort_count)
                .map(|index| row.get_ref(first_sort_column + index).map(sql_to_json))
                .collect::<Result<_, _>>()
                .store()?;
        }
        records.push(record);
    }
    drop(rows);
    drop(statement);
    load_related_many(connection, type_layout, &mut records)?;
    let next_cursor = match records.last() {
        Some(last) if has_more && compiled.is_keyset => Some(Cursor {
            sort_values: last_sort_values,
            last_id: last.id,
        }),
        _ => None,
    };
    Ok(RecordPage {
        records,
        total,
        next_cursor,
    })
}

/// Compiles the query, counts the matches when the query wants the total, and picks how
/// the page query reaches its rows.
fn prepare_page(
    connection: &Connection,
    layout: &Layout,
    type_layout: &TypeLayout,
    query: &Query,
) -> StoreResult<(Compiled, Option<u64>)> {
    let compiled = compile(layout, type_layout, query)?;
    let total = match &compiled.count {
        Some(count) => {
            let total: i64 = connection
                .prepare_cached(&count.text)
                .store()?
                .query_row(rusqlite::params_from_iter(count.params.iter()), |row| row.get(0))
                .store()?;
            Some(u64::try_from(total).unwrap_or_default())
        }
        None => None,
    };
    match choose_walk(connection, type_layout, query, total)? {
        Some(index) => Ok((compile_with(layout, type_layout, query, Some(&index))?, total)),
        None => Ok((compiled, total)),
    }
}

/// Whether to walk the index of the first sort key instead of letting SQLite pick the
/// filter's index and sort every match.
///
/// Without statistics SQLite assumes a range filter keeps few rows, so for "speed between
/// 100 and 130, newest first" it reads all ~10% matches through the speed index and sorts
/// them, even for a page of 25. The total, counted anyway, tells the real selectivity:
/// walking the sort index visits about `(offset + limit) / selectivity` rows, sorting
/// visits every match. Measured on 100,000 rows, a row visited by the walk costs about a
/// seventh of a match read and sorted, so the walk is chosen when it visits fewer than six
/// rows per match. The table's size is estimated by its id span, which overestimates it when
/// other types' ids interleave, and so errs toward SQLite's plan.
fn choose_walk(
    connection: &Connection,
    type_layout: &TypeLayout,
    query: &Query,
    total: Option<u64>,
) -> StoreResult<Option<String>> {
    let (Page::Offset { offset, limit }, Some(total), Some(_), Some(first), Trashed::Exclude) = (
        &query.page,
        total,
        &query.filter,
        query.sort.first(),
        query.trashed,
    ) else {
        return Ok(None);
    };
    let index = match first.target {
        Target::CreatedAt => format!(
            "INDEXED BY {}",
            index_name(&format!("{}__created_at", type_layout.id))
        ),
        Target::UpdatedAt => format!(
            "INDEXED BY {}",
            index_name(&format!("{}__updated_at", type_layout.id))
        ),
        Target::Id => "NOT INDEXED".to_owned(),
        Target::Field(_) | Target::Part { .. } => return Ok(None),
    };
    if total == 0 {
        return Ok(None);
    }
    let span: Option<i64> = connection
        // Two subqueries: SQLite answers `max(id)` and `min(id)` from the ends of the table
        // only when each stands alone; together they scan it.
        .prepare_cached(&format!(
            "SELECT (SELECT max(id) FROM {table}) - (SELECT min(id) FROM {table}) + 1",
            table = type_layout.table
        ))
        .store()?
        .query_row([], |row| row.get(0))
        .store()?;
    let span = u64::try_from(span.unwrap_or_default()).unwrap_or_default();
    let wanted = offset.saturating_add(u64::from(*limit));
    let walked = wanted.saturating_mul(span) / total;
    Ok((walked < total.saturating_mul(6)).then_some(index))
}

/// The SQLite query plan of a query, one line per step (for tests and diagnostics).
pub(crate) fn explain(
    connection: &Connection,
    layout: &Layout,
    object_type: &str,
    query: &Query,
) -> StoreResult<Vec<String>> {
    let type_layout = layout.require(object_type)?;
    let (compiled, _) = prepare_page(connection, layout, type_layout, query)?;
    let mut statement = connection
        .prepare(&format!("EXPLAIN QUERY PLAN {}", compiled.select.text))
        .store()?;
    let lines = statement
        .query_map(rusqlite::params_from_iter(compiled.select.params.iter()), |row| {
            row.get::<_, String>(3)
        })
        .store()?
        .collect::<Result<Vec<_>, _>>()
        .store()?;
    Ok(lines)
}

/// Splits text into lowercase words: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|character: char| !character.is_alphanumeric() && character != '*')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Whether `word` matches `pattern`, where `*` in the pattern stands for any run of characters.
fn wildcard_match(pattern: &str, word: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let word: Vec<char> = word.chars().collect();
    let (mut p, mut w) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while w < word.len() {
        if p < pattern.len() && pattern[p] != '*' && pattern[p] == word[w] {
            p += 1;
            w += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, w));
            p += 1;
        } else if let Some((star_p, star_w)) = star {
            p = star_p + 1;
            w = star_w + 1;
            star = Some((star_p, star_w + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|character| *character == '*')
}

/// Whether a whole word of `text` matches `token` (`*` is a wildcard). A token of several
/// words matches those words in a row.
pub(crate) fn token_match(text: &str, token: &str) -> bool {
    let wanted: Vec<String> = words(token).collect();
    if wanted.is_empty() {
        return false;
    }
    let text_words: Vec<String> = text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    text_words.windows(wanted.len()).any(|window| {
        window
            .iter()
            .zip(&wanted)
            .all(|(word, pattern)| wildcard_match(pattern, word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_whole_words() {
        assert!(token_match("Acme, Inc.", "acme"));
        assert!(token_match("Acme, Inc.", "INC"));
        assert!(!token_match("Acmeville", "acme"));
        assert!(token_match("Acmeville", "acme*"));
        assert!(token_match("the quick brown fox", "qu*k"));
        assert!(token_match("the quick brown fox", "*own"));
        assert!(!token_match("the quick brown fox", "*own*x"));
        assert!(token_match("the quick brown fox", "quick brown"));
        assert!(!token_match("the quick brown fox", "brown quick"));
        assert!(!token_match("anything", ""));
        assert!(token_match("anything", "*"));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off\\", true), "50\\%\\_off\\\\%");
        assert_eq!(like_pattern("x", false), "%x%");
    }
}
