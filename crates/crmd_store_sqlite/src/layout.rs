//! How a schema maps onto tables: one table per object type (`r_<object type id>`), one
//! column per field (named by the field id), and how each value type is stored in its
//! column. Derived once per schema version and cached, so that no request formats SQL for
//! the fixed statements.

use crate::error::InternalError;
use crmd_core::{Cardinality, FieldType, Schema, Value};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

/// The schema with everything derived from it that reads and writes need.
#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) schema: Arc<Schema>,
    types: HashMap<String, Arc<TypeLayout>>,
}

impl Layout {
    pub(crate) fn new(schema: Arc<Schema>) -> Result<Layout, InternalError> {
        validate_schema(&schema)?;
        let mut types = HashMap::with_capacity(schema.object_types.len());
        for object_type in &schema.object_types {
            types.insert(
                object_type.slug.clone(),
                Arc::new(TypeLayout::new(&schema, &object_type.slug)?),
            );
        }
        Ok(Layout { schema, types })
    }

    /// Every object type's layout, in no particular order.
    pub(crate) fn type_layouts(&self) -> impl Iterator<Item = &Arc<TypeLayout>> {
        self.types.values()
    }

    pub(crate) fn object_type(&self, slug: &str) -> Option<&Arc<TypeLayout>> {
        self.types.get(slug)
    }

    pub(crate) fn require(&self, slug: &str) -> Result<&Arc<TypeLayout>, InternalError> {
        self.types
            .get(slug)
            .ok_or_else(|| InternalError::UnknownObjectType(slug.to_owned()))
    }
}

/// Ids become table, column and index names, so they are restricted to `[A-Za-z0-9_]`.
pub(crate) fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

fn validate_schema(schema: &Schema) -> Result<(), InternalError> {
    let mut type_ids = HashMap::new();
    for object_type in &schema.object_types {
        if !is_safe_id(&object_type.id) {
            return Err(InternalError::InvalidSchema(format!(
                "object type id {:?} is not [A-Za-z0-9_]+",
                object_type.id
            )));
        }
        if type_ids
            .insert(object_type.slug.as_str(), object_type.id.as_str())
            .is_some()
            || schema
                .object_types
                .iter()
                .filter(|other| other.id == object_type.id)
                .count()
                > 1
        {
            return Err(InternalError::InvalidSchema(format!(
                "object type {:?} is defined twice",
                object_type.slug
            )));
        }
        for field in &object_type.fields {
            if !is_safe_id(&field.id) {
                return Err(InternalError::InvalidSchema(format!(
                    "field id {:?} is not [A-Za-z0-9_]+",
                    field.id
                )));
            }
            if object_type
                .fields
                .iter()
                .filter(|other| other.id == field.id || other.key == field.key)
                .count()
                > 1
            {
                return Err(InternalError::InvalidSchema(format!(
                    "field {:?} of {:?} is defined twice",
                    field.key, object_type.slug
                )));
            }
        }
    }
    for def in &schema.relationships {
        if !is_safe_id(&def.id) {
            return Err(InternalError::InvalidSchema(format!(
                "relationship id {:?} is not [A-Za-z0-9_]+",
                def.id
            )));
        }
        for end in [&def.source, &def.target] {
            if !type_ids.contains_key(end.object_type.as_str()) {
                return Err(InternalError::InvalidSchema(format!(
                    "relationship {:?} names unknown object type {:?}",
                    def.id, end.object_type
                )));
            }
        }
        if schema
            .relationships
            .iter()
            .filter(|other| other.id == def.id)
            .count()
            > 1
        {
            return Err(InternalError::InvalidSchema(format!(
                "relationship {:?} is defined twice",
                def.id
            )));
        }
    }
    Ok(())
}

/// One object type's table.
#[derive(Debug)]
pub(crate) struct TypeLayout {
    pub(crate) id: String,
    pub(crate) slug: String,
    /// The quoted table name.
    pub(crate) table: String,
    pub(crate) fields: Vec<FieldLayout>,
    by_key: HashMap<String, usize>,
    /// Every keyed relationship side of the type, in `Schema::relationships_of` order.
    pub(crate) sides: Vec<SideLayout>,
    /// `id, created_at, updated_at, trashed_at, external_id, <fields>` qualified with `t.`.
    pub(crate) select_list: String,
    /// The row with id `?1`.
    pub(crate) select_by_id: String,
    /// Inserts every column, in `select_list` order.
    pub(crate) insert: String,
    /// The active related records of record `?1` over every side: (is_source, rel_id, related id).
    pub(crate) related_of_one: Option<String>,
    /// The same for the ids in the JSON array `?1`, with the record id first.
    pub(crate) related_of_many: Option<String>,
}

/// Columns before the field columns in `select_list`.
pub(crate) const FIXED_COLUMNS: usize = 5;

impl TypeLayout {
    fn new(schema: &Schema, slug: &str) -> Result<TypeLayout, InternalError> {
        let object_type = schema
            .object_type(slug)
            .ok_or_else(|| InternalError::UnknownObjectType(slug.to_owned()))?;
        let table = table_name(&object_type.id);
        let fields: Vec<FieldLayout> = object_type
            .fields
            .iter()
            .map(|field| FieldLayout {
                id: field.id.clone(),
                key: field.key.clone(),
                field_type: field.field_type,
                is_multiple: field.is_multiple(),
                is_unique: field.is_unique,
                column: column_name(&field.id),
                kind: ColumnKind::of(field.field_type, field.is_multiple()),
            })
            .collect();
        let by_key = fields
            .iter()
            .enumerate()
            .map(|(index, field)| (field.key.clone(), index))
            .collect();
        let sides: Vec<SideLayout> = schema
            .relationships_of(slug)
            .map(|side| {
                let far_type = schema.object_type(side.target_type());
                SideLayout {
                    key: side.key().to_owned(),
                    rel_id: side.def.id.clone(),
                    is_source: side.is_source,
                    cardinality: side.cardinality(),
                    far_cardinality: side.other().cardinality,
                    far_type_id: far_type.map(|far| far.id.clone()).unwrap_or_default(),
                    far_type_slug: side.target_type().to_owned(),
                    far_key: side.other().key.clone(),
                }
            })
            .collect();

        let mut select_list = String::from("t.id, t.created_at, t.updated_at, t.trashed_at, t.external_id");
        let mut insert_columns = String::from("id, created_at, updated_at, trashed_at, external_id");
        let mut insert_values = String::from("?1, ?2, ?3, ?4, ?5");
        for (index, field) in fields.iter().enumerate() {
            select_list.push_str(", t.");
            select_list.push_str(&field.column);
            insert_columns.push_str(", ");
            insert_columns.push_str(&field.column);
            insert_values.push_str(&format!(", ?{}", index + FIXED_COLUMNS + 1));
        }
        let select_by_id = format!("SELECT {select_list} FROM {table} t WHERE t.id = ?1");
        let insert = format!("INSERT INTO {table} ({insert_columns}) VALUES ({insert_values})");
        let related_of_one = related_sql(&sides, "(?1)");
        let related_of_many = related_sql(&sides, "(SELECT value FROM json_each(?1))");
        Ok(TypeLayout {
            id: object_type.id.clone(),
            slug: slug.to_owned(),
            table,
            fields,
            by_key,
            sides,
            select_list,
            select_by_id,
            insert,
            related_of_one,
            related_of_many,
        })
    }

    pub(crate) fn require_field(&self, key: &str) -> Result<(usize, &FieldLayout), InternalError> {
        self.by_key
            .get(key)
            .and_then(|index| Some((*index, self.fields.get(*index)?)))
            .ok_or_else(|| InternalError::UnknownField {
                object_type: self.slug.clone(),
                key: key.to_owned(),
            })
    }

    pub(crate) fn side(&self, key: &str) -> Option<&SideLayout> {
        self.sides.iter().find(|side| side.key == key)
    }

    pub(crate) fn require_side(&self, key: &str) -> Result<&SideLayout, InternalError> {
        self.side(key).ok_or_else(|| InternalError::UnknownRelationship {
            object_type: self.slug.clone(),
            key: key.to_owned(),
        })
    }

    /// The side reading edges of `rel_id` in the direction `is_source`.
    pub(crate) fn side_index(&self, is_source: bool, rel_id: &str) -> Option<usize> {
        self.sides
            .iter()
            .position(|side| side.is_source == is_source && side.rel_id == rel_id)
    }
}

/// The SQL that lists, for the record ids `ids`, their related active records over every
/// keyed side, oldest link first: (record id, is_source, rel_id, related id).
fn related_sql(sides: &[SideLayout], ids: &str) -> Option<String> {
    let in_list = |is_source: bool| {
        let ids: Vec<String> = sides
            .iter()
            .filter(|side| side.is_source == is_source)
            .map(|side| format!("'{}'", side.rel_id))
            .collect();
        (!ids.is_empty()).then(|| ids.join(", "))
    };
    let mut parts = Vec::new();
    if let Some(rel_ids) = in_list(true) {
        parts.push(format!(
            "SELECT e.src, 1, e.rel_id, e.dst, e.created_seq FROM edges e JOIN records r ON r.id = e.dst \
             WHERE e.src IN {ids} AND e.rel_id IN ({rel_ids}) AND r.trashed_at IS NULL"
        ));
    }
    if let Some(rel_ids) = in_list(false) {
        parts.push(format!(
            "SELECT e.dst, 0, e.rel_id, e.src, e.created_seq FROM edges e JOIN records r ON r.id = e.src \
             WHERE e.dst IN {ids} AND e.rel_id IN ({rel_ids}) AND r.trashed_at IS NULL"
        ));
    }
    (!parts.is_empty()).then(|| format!("{} ORDER BY 5, 4", parts.join(" UNION ALL ")))
}

pub(crate) fn table_name(object_type_id: &str) -> String {
    format!("\"r_{object_type_id}\"")
}

pub(crate) fn column_name(field_id: &str) -> String {
    format!("\"{field_id}\"")
}

pub(crate) fn index_name(name: &str) -> String {
    format!("\"i_{name}\"")
}

/// One field's column.
#[derive(Debug)]
pub(crate) struct FieldLayout {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) field_type: FieldType,
    pub(crate) is_multiple: bool,
    pub(crate) is_unique: bool,
    /// The quoted column name.
    pub(crate) column: String,
    pub(crate) kind: ColumnKind,
}

/// One keyed relationship side of a type.
#[derive(Debug, Clone)]
pub(crate) struct SideLayout {
    pub(crate) key: String,
    pub(crate) rel_id: String,
    /// This type's records are the `src` of the edges.
    pub(crate) is_source: bool,
    pub(crate) cardinality: Cardinality,
    pub(crate) far_cardinality: Cardinality,
    pub(crate) far_type_id: String,
    pub(crate) far_type_slug: String,
    pub(crate) far_key: Option<String>,
}

impl SideLayout {
    /// (this record's edge column, the related record's edge column)
    pub(crate) fn columns(&self) -> (&'static str, &'static str) {
        if self.is_source {
            ("src", "dst")
        } else {
            ("dst", "src")
        }
    }
}

/// How a field's values sit in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    /// Short text compared case-insensitively: `TEXT COLLATE NOCASE`, indexed.
    Text,
    /// MARKDOWN, HTML: `TEXT`, not indexed.
    LongText,
    /// NUMBER: `REAL`.
    Real,
    /// CURRENCY: `INTEGER` holding the amount × 10^4.
    Currency,
    /// CHECKBOX: `INTEGER` 0/1.
    Bool,
    /// DATETIME: `INTEGER` epoch milliseconds.
    Millis,
    /// DATE: `TEXT` `YYYY-MM-DD`.
    Date,
    /// SINGLE_SELECT: `TEXT` option id.
    Choice,
    /// MULTI_SELECT and multiple EMAIL/URL/TELEPHONE: `TEXT` JSON array.
    JsonList,
    /// ADDRESS, FULL_NAME: `TEXT` JSON object (the codec's).
    Compound,
}

/// Currency amounts are stored as integers of this many units per unit.
pub(crate) const CURRENCY_SCALE: u32 = 4;

impl ColumnKind {
    pub(crate) fn of(field_type: FieldType, is_multiple: bool) -> ColumnKind {
        match field_type {
            FieldType::Text | FieldType::SocialHandle => ColumnKind::Text,
            FieldType::Email | FieldType::Url | FieldType::Telephone => {
                if is_multiple {
                    ColumnKind::JsonList
                } else {
                    ColumnKind::Text
                }
            }
            FieldType::Markdown | FieldType::Html => ColumnKind::LongText,
            FieldType::Number => ColumnKind::Real,
            FieldType::Currency => ColumnKind::Currency,
            FieldType::Checkbox => ColumnKind::Bool,
            FieldType::Datetime => ColumnKind::Millis,
            FieldType::Date => ColumnKind::Date,
            FieldType::SingleSelect => ColumnKind::Choice,
            FieldType::MultiSelect => ColumnKind::JsonList,
            FieldType::Address | FieldType::FullName => ColumnKind::Compound,
        }
    }

    /// The column definition after its name.
    pub(crate) fn sql_type(self) -> &'static str {
        match self {
            ColumnKind::Text => "TEXT COLLATE NOCASE",
            ColumnKind::LongText
            | ColumnKind::Date
            | ColumnKind::Choice
            | ColumnKind::JsonList
            | ColumnKind::Compound => "TEXT",
            ColumnKind::Real => "REAL",
            ColumnKind::Currency | ColumnKind::Bool | ColumnKind::Millis => "INTEGER",
        }
    }

    /// Scalar columns get an index so that filters and sorts can use one.
    pub(crate) fn is_indexed(self) -> bool {
        match self {
            ColumnKind::Text
            | ColumnKind::Real
            | ColumnKind::Currency
            | ColumnKind::Bool
            | ColumnKind::Millis
            | ColumnKind::Date
            | ColumnKind::Choice => true,
            ColumnKind::LongText | ColumnKind::JsonList | ColumnKind::Compound => false,
        }
    }
}

impl FieldLayout {
    fn mismatch(&self) -> InternalError {
        InternalError::ValueTypeMismatch {
            key: self.key.clone(),
            field_type: self.field_type.as_str(),
        }
    }

    /// The column value for `value`.
    pub(crate) fn encode(&self, value: &Value) -> Result<SqlValue, InternalError> {
        let encoded = match (self.kind, value) {
            (ColumnKind::Text | ColumnKind::LongText, Value::Text(text))
            | (ColumnKind::Choice, Value::Choice(text)) => SqlValue::Text(text.clone()),
            (ColumnKind::Real, Value::Number(number)) => {
                SqlValue::Real(number.to_f64().ok_or_else(|| self.mismatch())?)
            }
            (ColumnKind::Currency, Value::Number(number)) => {
                SqlValue::Integer(currency_units(*number).ok_or_else(|| {
                    InternalError::ValueTypeMismatch {
                        key: self.key.clone(),
                        field_type: "CURRENCY within ±9.2e14",
                    }
                })?)
            }
            (ColumnKind::Bool, Value::Bool(flag)) => SqlValue::Integer(i64::from(*flag)),
            (ColumnKind::Millis, Value::Datetime(moment)) => SqlValue::Integer(moment.millis()),
            (ColumnKind::Date, Value::Date(day)) => SqlValue::Text(day.format("%Y-%m-%d").to_string()),
            (ColumnKind::JsonList, Value::List(items) | Value::Choices(items))
                if self.list_variant_fits(value) =>
            {
                SqlValue::Text(serde_json::Value::from(items.clone()).to_string())
            }
            (ColumnKind::Compound, Value::Address(_)) if self.field_type == FieldType::Address => {
                SqlValue::Text(crmd_store::codec::value_to_json(value).to_string())
            }
            (ColumnKind::Compound, Value::FullName(_)) if self.field_type == FieldType::FullName => {
                SqlValue::Text(crmd_store::codec::value_to_json(value).to_string())
            }
            _ => return Err(self.mismatch()),
        };
        Ok(encoded)
    }

    fn list_variant_fits(&self, value: &Value) -> bool {
        matches!(
            (self.field_type, value),
            (FieldType::MultiSelect, Value::Choices(_))
                | (
                    FieldType::Email | FieldType::Url | FieldType::Telephone,
                    Value::List(_)
                )
        )
    }

    /// The value in a column; `None` for NULL.
    pub(crate) fn decode(&self, column: ValueRef<'_>) -> Result<Option<Value>, InternalError> {
        let corrupt = || {
            InternalError::Corrupt(format!(
                "column of field {:?} holds {:?}",
                self.key,
                column.data_type()
            ))
        };
        let text = |column: ValueRef<'_>| -> Result<String, InternalError> {
            column.as_str().map(str::to_owned).map_err(|_| corrupt())
        };
        if matches!(column, ValueRef::Null) {
            return Ok(None);
        }
        let value = match self.kind {
            ColumnKind::Text | ColumnKind::LongText => Value::Text(text(column)?),
            ColumnKind::Choice => Value::Choice(text(column)?),
            ColumnKind::Real => Value::Number(match column {
                ValueRef::Real(number) => decimal_from_f64(number).ok_or_else(corrupt)?,
                ValueRef::Integer(number) => Decimal::from(number),
                ValueRef::Null | ValueRef::Text(_) | ValueRef::Blob(_) => return Err(corrupt()),
            }),
            ColumnKind::Currency => {
                Value::Number(decimal_from_units(column.as_i64().map_err(|_| corrupt())?))
            }
            ColumnKind::Bool => Value::Bool(column.as_i64().map_err(|_| corrupt())? != 0),
            ColumnKind::Millis => {
                Value::Datetime(crmd_core::Timestamp(column.as_i64().map_err(|_| corrupt())?))
            }
            ColumnKind::Date => Value::Date(
                chrono::NaiveDate::parse_from_str(column.as_str().map_err(|_| corrupt())?, "%Y-%m-%d")
                    .map_err(|_| corrupt())?,
            ),
            ColumnKind::JsonList | ColumnKind::Compound => {
                let json: serde_json::Value =
                    serde_json::from_str(column.as_str().map_err(|_| corrupt())?).map_err(|_| corrupt())?;
                crmd_store::codec::value_from_json(self.field_type, self.is_multiple, &json)
                    .ok_or_else(corrupt)?
            }
        };
        Ok(Some(value))
    }

    /// The value exactly as it reads back after being stored (numbers pass through `REAL`,
    /// currencies are rounded to 4 decimals).
    pub(crate) fn canonical(&self, value: &Value) -> Result<Value, InternalError> {
        match self.kind {
            ColumnKind::Real | ColumnKind::Currency => {
                let encoded = self.encode(value)?;
                self.decode(ValueRef::from(&encoded))?
                    .ok_or_else(|| self.mismatch())
            }
            ColumnKind::Text
            | ColumnKind::LongText
            | ColumnKind::Bool
            | ColumnKind::Millis
            | ColumnKind::Date
            | ColumnKind::Choice
            | ColumnKind::JsonList
            | ColumnKind::Compound => {
                // Check the variant without paying for a copy of the value.
                self.encode_check(value)?;
                Ok(value.clone())
            }
        }
    }

    fn encode_check(&self, value: &Value) -> Result<(), InternalError> {
        let fits = match (self.kind, value) {
            (ColumnKind::Text | ColumnKind::LongText, Value::Text(_))
            | (ColumnKind::Choice, Value::Choice(_))
            | (ColumnKind::Bool, Value::Bool(_))
            | (ColumnKind::Millis, Value::Datetime(_))
            | (ColumnKind::Date, Value::Date(_)) => true,
            (ColumnKind::JsonList, _) => self.list_variant_fits(value),
            (ColumnKind::Compound, Value::Address(_)) => self.field_type == FieldType::Address,
            (ColumnKind::Compound, Value::FullName(_)) => self.field_type == FieldType::FullName,
            _ => false,
        };
        if fits { Ok(()) } else { Err(self.mismatch()) }
    }

    /// The `unique_values` rows a value claims: lowercased text, each list element, or the
    /// canonical decimal of a number.
    pub(crate) fn unique_keys(&self, value: &Value) -> Vec<String> {
        match value {
            Value::Text(text) => vec![text.to_lowercase()],
            Value::List(items) => {
                let mut keys: Vec<String> = items.iter().map(|item| item.to_lowercase()).collect();
                keys.sort_unstable();
                keys.dedup();
                keys
            }
            Value::Number(number) => vec![number.normalize().to_string()],
            Value::Bool(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Choice(_)
            | Value::Choices(_)
            | Value::Address(_)
            | Value::FullName(_) => Vec::new(),
        }
    }
}

/// `amount × 10^4` as an integer, rounding half to even beyond 4 decimals.
pub(crate) fn currency_units(amount: Decimal) -> Option<i64> {
    amount
        .checked_mul(Decimal::from(10_i64.pow(CURRENCY_SCALE)))?
        .round()
        .to_i64()
}

pub(crate) fn decimal_from_units(units: i64) -> Decimal {
    Decimal::new(units, CURRENCY_SCALE).normalize()
}

/// The shortest decimal that reads back as the same `f64`.
pub(crate) fn decimal_from_f64(number: f64) -> Option<Decimal> {
    if !number.is_finite() {
        return None;
    }
    let text = number.to_string();
    Decimal::from_str(&text)
        .ok()
        .or_else(|| Decimal::from_f64_retain(number))
        .map(|decimal| decimal.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_is_exact_to_four_decimals() {
        assert_eq!(
            currency_units(Decimal::from_str("1234.5678").unwrap()),
            Some(12_345_678)
        );
        assert_eq!(currency_units(Decimal::from_str("0.00005").unwrap()), Some(0));
        assert_eq!(currency_units(Decimal::from_str("0.00015").unwrap()), Some(2));
        assert_eq!(currency_units(Decimal::from_str("-0.1").unwrap()), Some(-1000));
        assert_eq!(currency_units(Decimal::from_str("1e20").unwrap()), None);
        assert_eq!(
            decimal_from_units(12_345_678),
            Decimal::from_str("1234.5678").unwrap()
        );
    }

    #[test]
    fn reals_read_back_as_their_shortest_decimal() {
        assert_eq!(decimal_from_f64(0.1), Some(Decimal::from_str("0.1").unwrap()));
        assert_eq!(
            decimal_from_f64(-2.5e-7),
            Some(Decimal::from_str("-0.00000025").unwrap())
        );
        assert_eq!(decimal_from_f64(1e300), None);
        assert_eq!(decimal_from_f64(f64::NAN), None);
    }
}
