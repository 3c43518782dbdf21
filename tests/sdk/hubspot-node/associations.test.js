'use strict';
// The v4 associations API through HubSpot's official Node SDK: basicApi (default and typed PUT,
// getPage, archive), batchApi (create, createDefault, getPage, archive) and the labels of a pair
// (schema.definitionsApi).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const v4 = require('@hubspot/api-client/lib/codegen/crm/associations/v4');
const { startCrmd } = require('./support/crmd');
const { apiError, assertDate, uniqueEmail } = require('./support/sdk');

let crmd;
let hs;

before(async () => {
  crmd = await startCrmd('associations');
  hs = crmd.client();
});

after(async () => {
  await crmd?.finish();
});

const spec = (associationTypeId) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId });

async function newContact() {
  return (await hs.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() } })).id;
}

async function newCompany(name = 'Globex') {
  return (await hs.crm.companies.basicApi.create({ properties: { name } })).id;
}

/** Every associated record of `id` as `[toObjectId, sorted typeIds]`, in the order served. */
async function associated(fromType, id, toType) {
  const page = await hs.crm.associations.v4.basicApi.getPage(fromType, id, toType);
  return page.results.map((item) => [item.toObjectId, item.associationTypes.map((type) => type.typeId).sort((a, b) => a - b)]);
}

test('createDefault links both directions and answers 200', async () => {
  const contact = await newContact();
  const company = await newCompany();
  const created = await hs.crm.associations.v4.basicApi.createDefaultWithHttpInfo('contacts', contact, 'companies', company);
  assert.equal(created.httpStatusCode, 200);
  assert.ok(created.data instanceof v4.BatchResponsePublicDefaultAssociation);
  assert.equal(created.data.status, 'COMPLETE');
  assertDate(created.data.startedAt);
  assert.deepEqual(
    created.data.results.map((result) => [
      result.associationSpec.associationCategory, result.associationSpec.associationTypeId, result._from.id, result.to.id,
    ]),
    [['HUBSPOT_DEFINED', 279, contact, company], ['HUBSPOT_DEFINED', 280, company, contact]],
  );

  const page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact, 'companies', undefined, 10);
  assert.ok(page instanceof v4.CollectionResponseMultiAssociatedObjectWithLabelForwardPaging);
  assert.equal(page.paging, undefined);
  assert.equal(page.results.length, 1);
  const [item] = page.results;
  assert.ok(item instanceof v4.MultiAssociatedObjectWithLabel);
  // HubSpot sends toObjectId as a JSON number; the SDK passes it through although it types a string.
  assert.equal(item.toObjectId, Number(company));
  assert.deepEqual(
    item.associationTypes.map((type) => [type.category, type.typeId, type.label]),
    [['HUBSPOT_DEFINED', 279, null]],
  );
  assert.deepEqual(await associated('companies', company, 'contacts'), [[Number(contact), [280]]]);
});

test('create with types answers 201 with the labels of the pair, and archive removes every type', async () => {
  const contact = await newContact();
  const note = (await hs.crm.objects.notes.basicApi.create({ properties: { hs_note_body: 'Called' } })).id;
  const created = await hs.crm.associations.v4.basicApi.createWithHttpInfo('notes', note, 'contacts', contact, [spec(202)]);
  assert.equal(created.httpStatusCode, 201);
  assert.ok(created.data instanceof v4.LabelsBetweenObjectPair);
  // The ids are JSON numbers, as HubSpot sends them; the SDK passes them through.
  assert.equal(created.data.fromObjectId, Number(note));
  assert.equal(created.data.toObjectId, Number(contact));
  assert.equal(created.data.fromObjectTypeId, '0-46');
  assert.equal(created.data.toObjectTypeId, '0-1');
  assert.deepEqual(created.data.labels, [], 'unlabelled types have no label');
  assert.deepEqual(await associated('contacts', contact, 'notes'), [[Number(note), [201]]]);

  const company = await newCompany('Initech');
  const deal = (await hs.crm.deals.basicApi.create({
    properties: { dealname: 'Renewal' },
    associations: [{ to: { id: company }, types: [spec(341)] }],
  })).id;
  const primary = await hs.crm.associations.v4.basicApi.create('deals', deal, 'companies', company, [spec(5)]);
  assert.deepEqual(primary.labels, ['Primary']);
  assert.deepEqual(await associated('deals', deal, 'companies'), [[Number(company), [5, 341]]]);

  const removed = await hs.crm.associations.v4.basicApi.archiveWithHttpInfo('notes', note, 'contacts', contact);
  assert.equal(removed.httpStatusCode, 204);
  assert.deepEqual(await associated('contacts', contact, 'notes'), []);
  // Removing a link that does not exist is still 204.
  assert.equal(await hs.crm.associations.v4.basicApi.archive('notes', note, 'contacts', contact), undefined);
});

test('getPage pages with limit and after', async () => {
  const company = await newCompany('Umbrella');
  const contacts = [];
  for (let n = 0; n < 5; n += 1) {
    const contact = await newContact();
    await hs.crm.associations.v4.basicApi.createDefault('contacts', contact, 'companies', company);
    contacts.push(Number(contact));
  }
  const seen = [];
  let after;
  let pages = 0;
  do {
    const page = await hs.crm.associations.v4.basicApi.getPage('companies', company, 'contacts', after, 2);
    assert.ok(page.results.length <= 2);
    seen.push(...page.results.map((item) => item.toObjectId));
    after = page.paging?.next?.after;
    if (page.paging) assert.equal(typeof after, 'string');
    pages += 1;
  } while (after);
  assert.equal(pages, 3);
  assert.deepEqual(seen, contacts, 'ascending id order, each record once');
});

test('invalid associations are refused as HubSpot refuses them', async () => {
  const contact = await newContact();
  const company = await newCompany();
  const missingFrom = await apiError(
    hs.crm.associations.v4.basicApi.createDefault('contacts', '987654321', 'companies', company), 404);
  assert.equal(missingFrom.body.category, 'OBJECT_NOT_FOUND');
  const missingTo = await apiError(
    hs.crm.associations.v4.basicApi.create('contacts', contact, 'companies', '987654321', [spec(279)]), 400);
  assert.match(JSON.stringify(missingTo.body), /INVALID_OBJECT_IDS/);
  const unsupportedLabel = await apiError(
    hs.crm.associations.v4.basicApi.create('contacts', contact, 'companies', company, [spec(1)]), 400);
  assert.match(unsupportedLabel.body.message, /^association type HUBSPOT_DEFINED 1 is not defined from contacts/);
  const wrongDirection = await apiError(
    hs.crm.associations.v4.basicApi.create('contacts', contact, 'companies', company, [spec(280)]), 400);
  assert.match(wrongDirection.body.message, /^invalid from object type 0-1 for associations to be created/);
  assert.deepEqual(await associated('contacts', contact, 'companies'), [], 'nothing was written');
});

test('batch create, createDefault, getPage and archive', async () => {
  const company = await newCompany('Hooli');
  const [first, second, third] = [await newContact(), await newContact(), await newContact()];
  const batch = hs.crm.associations.v4.batchApi;

  const created = await batch.createWithHttpInfo('contacts', 'companies', {
    inputs: [{ _from: { id: first }, to: { id: company }, types: [spec(279)] }],
  });
  assert.equal(created.httpStatusCode, 201);
  assert.ok(created.data instanceof v4.BatchResponseLabelsBetweenObjectPair);
  assert.deepEqual(created.data.results.map((pair) => [pair.fromObjectId, pair.toObjectId]), [[Number(first), Number(company)]]);

  const partial = await batch.createWithHttpInfo('contacts', 'companies', {
    inputs: [
      { _from: { id: second }, to: { id: company }, types: [spec(279)] },
      { _from: { id: '987654321' }, to: { id: company }, types: [spec(279)] },
    ],
  });
  assert.equal(partial.httpStatusCode, 207);
  assert.ok(partial.data instanceof v4.BatchResponseLabelsBetweenObjectPairWithErrors);
  assert.deepEqual(partial.data.results.map((pair) => pair.fromObjectId), [Number(second)]);
  assert.equal(partial.data.numErrors, 1);
  assert.deepEqual(partial.data.errors[0].context.fromObjectId, ['987654321']);

  const defaulted = await batch.createDefaultWithHttpInfo('contacts', 'companies', {
    inputs: [{ _from: { id: third }, to: { id: company } }],
  });
  assert.equal(defaulted.httpStatusCode, 200);
  assert.deepEqual(
    defaulted.data.results.map((result) => [result._from.id, result.to.id, result.associationSpec.associationTypeId]),
    [[third, company, 279], [company, third, 280]],
  );

  const read = await batch.getPageWithHttpInfo('companies', 'contacts', { inputs: [{ id: company }] });
  assert.equal(read.httpStatusCode, 200);
  assert.ok(read.data instanceof v4.BatchResponsePublicAssociationMultiWithLabel);
  assert.equal(read.data.results.length, 1);
  assert.equal(read.data.results[0]._from.id, company);
  assert.deepEqual(read.data.results[0].to.map((item) => item.toObjectId), [first, second, third].map(Number));
  assert.ok(read.data.results[0].to.every((item) => item.associationTypes[0].typeId === 280));

  const readPartial = await batch.getPageWithHttpInfo('contacts', 'companies', {
    inputs: [{ id: first }, { id: '987654321' }],
  });
  assert.equal(readPartial.httpStatusCode, 207);
  assert.ok(readPartial.data instanceof v4.BatchResponsePublicAssociationMultiWithLabelWithErrors);
  assert.deepEqual(readPartial.data.results.map((result) => result._from.id), [first]);
  assert.equal(readPartial.data.errors[0].category, 'OBJECT_NOT_FOUND');

  const archived = await batch.archiveWithHttpInfo('companies', 'contacts', {
    inputs: [{ _from: { id: company }, to: [{ id: first }, { id: third }] }],
  });
  assert.equal(archived.httpStatusCode, 204);
  assert.deepEqual(await associated('companies', company, 'contacts'), [[Number(second), [280]]]);
});

test('the labels of a pair are listed, and changing them answers 501', async () => {
  const definitions = hs.crm.associations.v4.schema.definitionsApi;
  const labels = await definitions.getAll('deals', 'companies');
  assert.equal(labels.constructor.name, 'CollectionResponseAssociationSpecWithLabelNoPaging');
  const types = labels.results.map((type) => [type.category, type.typeId, type.label ?? null]);
  assert.deepEqual(types.sort((a, b) => a[1] - b[1]), [['HUBSPOT_DEFINED', 5, 'Primary'], ['HUBSPOT_DEFINED', 341, null]]);
  const contactCompany = await definitions.getAll('contacts', 'companies');
  assert.deepEqual(contactCompany.results.map((type) => type.typeId), [279]);

  const refused = await apiError(definitions.create('contacts', 'companies', { label: 'Manager', name: 'manager' }), 501);
  assert.equal(refused.body.category, 'NOT_IMPLEMENTED');
});
