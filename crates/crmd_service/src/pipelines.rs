//! Pipelines and stages: a dependent select (`$stage`) whose options each belong to an
//! option of its parent select (`$pipeline`).
//!
//! The pipeline is not stored: a stage option belongs to exactly one pipeline, so the
//! pipeline of a record is its stage's parent. On write, the parent field is a hint that
//! says which pipeline a stage label means; it is taken out of the input here, and the
//! stage is sent on as an option id.

use crate::error::{ServiceError, StageCandidate, StageCandidates};
use crate::records::FieldInput;
use crmd_core::{FieldDef, FieldType, ObjectType, SelectOption};

/// How many candidates an error lists.
pub const MAX_CANDIDATES: usize = 20;

/// The pipeline and stage fields of an object type.
#[derive(Debug, Clone, Copy)]
pub struct Pipelines<'a> {
    /// The parent select: its options are the pipelines.
    pub pipeline: &'a FieldDef,
    /// The dependent select: its options are the stages, each with its pipeline as parent.
    pub stage: &'a FieldDef,
}

/// A label compared case-insensitively with whitespace collapsed.
pub fn fold_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'a> Pipelines<'a> {
    /// The first SINGLE_SELECT of the type whose parent is another SINGLE_SELECT.
    pub fn of(object_type: &'a ObjectType) -> Option<Pipelines<'a>> {
        object_type.fields.iter().find_map(|stage| {
            let parent = object_type.field(stage.config.parent_field.as_deref()?)?;
            (stage.field_type == FieldType::SingleSelect && parent.field_type == FieldType::SingleSelect)
                .then_some(Pipelines {
                    pipeline: parent,
                    stage,
                })
        })
    }

    /// A pipeline by id.
    pub fn pipeline_by_id(&self, id: &str) -> Option<&'a SelectOption> {
        self.pipeline.option(id.trim())
    }

    /// A pipeline by id, or by name compared like option labels.
    pub fn pipeline_by_id_or_name(&self, text: &str) -> Option<&'a SelectOption> {
        self.pipeline_by_id(text).or_else(|| {
            let wanted = fold_label(text);
            self.pipeline
                .config
                .options
                .iter()
                .find(|option| fold_label(&option.label) == wanted)
        })
    }

    /// The ids of every pipeline, in order.
    pub fn pipeline_ids(&self) -> Vec<String> {
        self.pipeline
            .config
            .options
            .iter()
            .map(|option| option.id.clone())
            .collect()
    }

    /// The default pipeline: the first one.
    pub fn default_pipeline(&self) -> Option<&'a SelectOption> {
        self.pipeline.config.options.first()
    }

    /// The stages of one pipeline, in order.
    pub fn stages_of(&self, pipeline_id: &'a str) -> impl Iterator<Item = &'a SelectOption> + 'a {
        self.stage
            .config
            .options
            .iter()
            .filter(move |option| option.parent_id.as_deref() == Some(pipeline_id))
    }

    /// The stages whose label matches, in any pipeline.
    pub fn stages_labelled(&self, label: &str) -> Vec<&'a SelectOption> {
        let wanted = fold_label(label);
        self.stage
            .config
            .options
            .iter()
            .filter(|option| fold_label(&option.label) == wanted)
            .collect()
    }

    /// Stages as an error lists them, capped at [`MAX_CANDIDATES`].
    pub fn candidates<'s>(&self, stages: impl IntoIterator<Item = &'s SelectOption>) -> StageCandidates {
        let all: Vec<&SelectOption> = stages.into_iter().collect();
        let stages = all
            .iter()
            .take(MAX_CANDIDATES)
            .map(|stage| {
                let pipeline_id = stage.parent_id.clone().unwrap_or_default();
                StageCandidate {
                    stage_id: stage.id.clone(),
                    stage_label: stage.label.clone(),
                    pipeline_name: self
                        .pipeline_by_id(&pipeline_id)
                        .map(|pipeline| pipeline.label.clone())
                        .unwrap_or_default(),
                    pipeline_id,
                }
            })
            .collect();
        StageCandidates {
            stages,
            is_truncated: all.len() > MAX_CANDIDATES,
        }
    }

    fn unknown_pipeline(&self, text: &str) -> ServiceError {
        ServiceError::UnknownPipeline {
            key: self.pipeline.key.clone(),
            pipeline: text.trim().to_owned(),
            active: self.pipeline_ids(),
        }
    }

    /// Resolves the stage of a write, using the pipeline hint (id or name) when given.
    /// `fallback` is the pipeline a label falls back to without a hint (`None`: a label
    /// needs a hint). Returns the stage option id.
    fn resolve_stage(
        &self,
        text: &str,
        hint: Option<&str>,
        fallback: Option<&str>,
    ) -> Result<Option<String>, ServiceError> {
        let pipeline = hint
            .map(|hint| {
                self.pipeline_by_id_or_name(hint)
                    .ok_or_else(|| self.unknown_pipeline(hint))
            })
            .transpose()?;
        let not_in = |pipeline: &'a SelectOption| ServiceError::StageNotInPipeline {
            key: self.stage.key.clone(),
            stage: text.trim().to_owned(),
            pipeline_id: pipeline.id.clone(),
            candidates: self.candidates(self.stages_of(&pipeline.id)),
        };
        if let Some(stage) = self.stage.option(text.trim()) {
            return match pipeline {
                Some(pipeline) if stage.parent_id.as_deref() != Some(pipeline.id.as_str()) => {
                    Err(not_in(pipeline))
                }
                Some(_) | None => Ok(Some(stage.id.clone())),
            };
        }
        let labelled = self.stages_labelled(text);
        if let Some(pipeline) = pipeline {
            return labelled
                .iter()
                .find(|stage| stage.parent_id.as_deref() == Some(pipeline.id.as_str()))
                .map(|stage| Some(stage.id.clone()))
                .ok_or_else(|| not_in(pipeline));
        }
        match (labelled.as_slice(), fallback) {
            // Not a stage at all: the select's own validation says so.
            ([], _) => Ok(None),
            ([only], Some(_)) => Ok(Some(only.id.clone())),
            (several, Some(fallback)) => several
                .iter()
                .find(|stage| stage.parent_id.as_deref() == Some(fallback))
                .map(|stage| Some(stage.id.clone()))
                .ok_or_else(|| self.ambiguous(text, several, "it is a stage of several pipelines")),
            (some, None) => Err(self.ambiguous(
                text,
                some,
                &format!(
                    "a stage label needs {} (a pipeline id or name) on this object type",
                    self.pipeline.key
                ),
            )),
        }
    }

    fn ambiguous(&self, text: &str, stages: &[&SelectOption], why: &str) -> ServiceError {
        ServiceError::AmbiguousStageLabel {
            key: self.stage.key.clone(),
            message: format!(
                "stage label {:?} does not name one stage: {why}; use a stage id or give {}",
                text.trim(),
                self.pipeline.key
            ),
            candidates: self.candidates(stages.iter().copied()),
        }
    }
}

/// The text of a string input; `None` for other JSON, which the select's own validation
/// refuses.
fn input_text(input: &FieldInput) -> Option<&str> {
    match input {
        FieldInput::Json(serde_json::Value::String(text)) | FieldInput::Text(text) => Some(text),
        FieldInput::Json(_) => None,
    }
}

/// Takes the pipeline hint out of a write's fields and resolves a stage label to its id.
/// `current_stage` is the record's stage before an update. Labels fall back to the record's
/// pipeline or the default one only when `labels_fall_back`.
pub(crate) fn resolve_write(
    object_type: &ObjectType,
    fields: &[(String, FieldInput)],
    current_stage: Option<&str>,
    labels_fall_back: bool,
) -> Result<Vec<(String, FieldInput)>, ServiceError> {
    let Some(pipelines) = Pipelines::of(object_type) else {
        return Ok(fields.to_vec());
    };
    let hint = fields
        .iter()
        .find(|(key, _)| *key == pipelines.pipeline.key)
        .map(|(_, input)| input);
    let has_stage = fields.iter().any(|(key, _)| *key == pipelines.stage.key);
    let hint_text = match hint {
        None => None,
        Some(_) if !has_stage => {
            return Err(ServiceError::InvalidValue {
                key: pipelines.pipeline.key.clone(),
                reason: format!(
                    "{} is only a hint for {} and is not stored; send it with {}",
                    pipelines.pipeline.key, pipelines.stage.key, pipelines.stage.key
                ),
            });
        }
        Some(input) => match input_text(input).map(str::trim) {
            Some(text) if !text.is_empty() => Some(text),
            Some(_) | None => {
                return Err(ServiceError::InvalidValue {
                    key: pipelines.pipeline.key.clone(),
                    reason: "expected a pipeline id or name".into(),
                });
            }
        },
    };
    let fallback = labels_fall_back.then(|| {
        current_stage
            .and_then(|stage| pipelines.stage.option(stage))
            .and_then(|stage| stage.parent_id.as_deref())
            .or_else(|| pipelines.default_pipeline().map(|pipeline| pipeline.id.as_str()))
            .unwrap_or_default()
    });
    let mut resolved = Vec::with_capacity(fields.len());
    for (key, input) in fields {
        if *key == pipelines.pipeline.key {
            continue;
        }
        if *key == pipelines.stage.key
            && let Some(text) = input_text(input).filter(|text| !text.trim().is_empty())
            && let Some(id) = pipelines.resolve_stage(text, hint_text, fallback)?
        {
            resolved.push((key.clone(), FieldInput::Json(serde_json::Value::String(id))));
            continue;
        }
        resolved.push((key.clone(), input.clone()));
    }
    Ok(resolved)
}
