"""Pipelines and stages (spec §5.2, §5.3, §5.9), and self-referential relationships with
directions (spec §3.1, §5.2), through the SDK with strict response validation."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError, UnprocessableEntityError

from support import api_error, check_matches_definitions, ids, related, unique, value_of

SLUG = "tickets"


@pytest.fixture(scope="module")
def tickets(lf):
    """One ticket per stage, named by a marker no other test uses; ids by name."""
    marker = unique("ticket")
    made = {}
    for name, stage, pipeline in [
        ("support new", "New", "pd_support"),
        ("support closed", "opt_support_closed", None),
        ("escalation new", "new", "Escalations"),
        ("escalation investigating", "Investigating", "pd_escalations"),
    ]:
        fields = {"name": f"{marker} {name}", "$stage": stage}
        if pipeline:
            fields["$pipeline"] = pipeline
        made[name] = lf.object.create(SLUG, fields=fields).id
    return marker, made


def listed(lf, marker, query):
    page = lf.object.list(SLUG, extra_query={"name[startsWith]": marker, **query})
    assert page.total_count == len(page.data)
    return set(ids(page))


def test_definitions_carry_pipelines_as_parents(lf):
    definitions = lf.object.definitions(SLUG)
    pipeline = definitions.field_definitions["$pipeline"]
    stage = definitions.field_definitions["$stage"]
    assert pipeline.value_type == "SINGLE_SELECT" and stage.value_type == "SINGLE_SELECT"
    assert [option.id for option in pipeline.type_configuration.options] == ["pd_support", "pd_escalations"]
    assert stage.type_configuration.parent_field_key == "$pipeline"
    assert [(option.id, option.parent_id) for option in stage.type_configuration.options] == [
        ("opt_support_new", "pd_support"),
        ("opt_support_closed", "pd_support"),
        ("opt_escalation_new", "pd_escalations"),
        ("opt_escalation_investigating", "pd_escalations"),
    ]
    opportunity = lf.opportunity.definitions()
    assert opportunity.field_definitions["$stage"].type_configuration.parent_field_key == "$pipeline"
    assert {option.parent_id for option in opportunity.field_definitions["$stage"].type_configuration.options} == {
        opportunity.field_definitions["$pipeline"].type_configuration.options[0].id
    }


def test_writes_by_id_and_label(lf, tickets):
    marker, made = tickets
    record = lf.object.retrieve(made["escalation new"], entity_slug=SLUG)
    check_matches_definitions(record, lf.object.definitions(SLUG))
    assert value_of(record, "$stage") == "opt_escalation_new"
    assert value_of(record, "$pipeline") == "pd_escalations"
    assert value_of(lf.object.retrieve(made["support closed"], entity_slug=SLUG), "$pipeline") == "pd_support"
    updated = lf.object.update(
        made["support new"], entity_slug=SLUG, fields={"$stage": "closed", "$pipeline": "pd_support"}
    )
    assert value_of(updated, "$stage") == "opt_support_closed"
    lf.object.update(made["support new"], entity_slug=SLUG, fields={"$stage": "opt_support_new"})
    # Opportunities resolve a label through their default pipeline.
    account = lf.account.create(fields={"$name": unique("pipeline-account")})
    deal = lf.opportunity.create(
        fields={"$name": unique("deal"), "$stage": "closed won"}, relationships={"$account": account.id}
    )
    assert value_of(deal, "$stage") == "opt_stage_closed_won"
    assert value_of(deal, "$pipeline") is not None


def test_write_errors_carry_their_members(lf):
    with api_error(UnprocessableEntityError, 422, "ambiguous_stage_label", "fields.$stage") as info:
        lf.object.create(SLUG, fields={"name": unique(), "$stage": "New"})
    assert info.value.body["error"]["candidates"] == [
        {"stageOptionId": "opt_support_new", "stageLabel": "New", "pipelineId": "pd_support", "pipelineName": "Support"},
        {
            "stageOptionId": "opt_escalation_new",
            "stageLabel": "New",
            "pipelineId": "pd_escalations",
            "pipelineName": "Escalations",
        },
    ]
    with api_error(UnprocessableEntityError, 422, "stage_unresolved_in_pipeline", "fields.$stage") as info:
        lf.object.create(SLUG, fields={"name": unique(), "$stage": "Investigating", "$pipeline": "pd_support"})
    assert info.value.body["error"]["pipelineId"] == "pd_support"
    assert [c["stageOptionId"] for c in info.value.body["error"]["candidates"]] == [
        "opt_support_new",
        "opt_support_closed",
    ]
    with api_error(UnprocessableEntityError, 422, "unknown_pipeline", "fields.$pipeline") as info:
        lf.object.create(SLUG, fields={"name": unique(), "$stage": "New", "$pipeline": "pd_nope"})
    assert info.value.body["error"]["activePipelineIds"] == ["pd_support", "pd_escalations"]
    with api_error(BadRequestError, 400, "invalid_value", "fields.$pipeline"):
        lf.object.create(SLUG, fields={"name": unique(), "$pipeline": "pd_support"})
    with api_error(BadRequestError, 400, "unknown_field", "fields.$pipeline"):
        lf.account.create(fields={"$name": unique(), "$pipeline": "pd_support"})


def test_pipeline_and_stage_filters(lf, tickets):
    marker, made = tickets
    support = {made["support new"], made["support closed"]}
    escalations = {made["escalation new"], made["escalation investigating"]}
    assert listed(lf, marker, {"$pipeline[equal]": "pd_support"}) == support
    assert listed(lf, marker, {"$pipeline[-equal]": "pd_support"}) == escalations
    assert listed(lf, marker, {"$stage": "investigating"}) == {made["escalation investigating"]}
    assert listed(lf, marker, {"$stage": " NEW ", "$pipeline": "pd_escalations"}) == {made["escalation new"]}
    assert listed(lf, marker, {"$stage": "opt_support_new", "$pipeline": "pd_escalations"}) == set()
    with api_error(BadRequestError, 400, "ambiguous_stage_label", "$stage") as info:
        lf.object.list(SLUG, extra_query={"$stage": "new"})
    assert len(info.value.body["error"]["candidates"]) == 2
    with api_error(BadRequestError, 400, "unknown_pipeline", "$pipeline[equal]") as info:
        lf.object.list(SLUG, extra_query={"$pipeline[equal]": "Support"})
    assert info.value.body["error"]["activePipelineIds"] == ["pd_support", "pd_escalations"]


def test_self_referential_directions_and_filters(lf):
    marker = unique("tree")
    root = lf.object.create(SLUG, fields={"name": f"{marker} root"})
    child = lf.object.create(SLUG, fields={"name": f"{marker} child"}, relationships={"parent": root.id})
    fetched = lf.object.retrieve(child.id, entity_slug=SLUG)
    directions = fetched.relationships["parent"].directions
    assert directions.as_source.cardinality == "HAS_ONE" and directions.as_source.values == [root.id]
    assert directions.as_destination.cardinality == "HAS_MANY" and directions.as_destination.values == []
    root_directions = lf.object.retrieve(root.id, entity_slug=SLUG).relationships["parent"].directions
    assert root_directions.as_destination.values == [child.id]
    definition = lf.object.definitions(SLUG).relationship_definitions["parent"]
    assert definition.directions.as_source.label == "Parent ticket"
    assert definition.directions.as_destination.cardinality == "HAS_MANY"
    query = {"name[startsWith]": marker}
    assert ids(lf.object.list(SLUG, extra_query={**query, "parent:asSource[contains]": root.id})) == [child.id]
    assert ids(lf.object.list(SLUG, extra_query={**query, "parent:asDestination": child.id})) == [root.id]
    assert ids(lf.object.list(SLUG, extra_query={**query, "tickets-parent": root.id})) == [child.id]
    assert related(fetched, "parent") == [root.id]
    with api_error(BadRequestError, 400, "invalid_filter", "$account:asSource"):
        lf.contact.list(extra_query={"$account:asSource": root.id})
