'use strict';
// The batch API (batchApi) through HubSpot's official Node SDK: read, create, update, upsert and
// archive, with their 200/201/204 answers, 207 partial failures and the 100-input limit. The SDK
// picks its model class by status, so the class of an answer shows which status came back.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const models = require('@hubspot/api-client/lib/codegen/crm/contacts');
const { startCrmd } = require('./support/crmd');
const { apiError, assertDate, marker } = require('./support/sdk');

let crmd;
let hs;

before(async () => {
  crmd = await startCrmd('batch');
  hs = crmd.client();
});

after(async () => {
  await crmd?.finish();
});

function emails(count) {
  const tag = marker();
  return Array.from({ length: count }, (_, n) => `${tag}.${n}@batch.example`);
}

async function createContacts(addresses) {
  const response = await hs.crm.contacts.batchApi.create({
    inputs: addresses.map((email) => ({ properties: { email }, associations: [] })),
  });
  return response.results.map((record) => record.id);
}

function assertBatchEnvelope(response) {
  assert.equal(response.status, 'COMPLETE');
  assertDate(response.startedAt, 'startedAt');
  assertDate(response.completedAt, 'completedAt');
  assert.ok(response.completedAt >= response.startedAt);
}

test('batch create answers 201 with the records in input order', async () => {
  const addresses = emails(3);
  const created = await hs.crm.contacts.batchApi.createWithHttpInfo({
    inputs: addresses.map((email, n) => ({ properties: { email, firstname: `F${n}` }, associations: [] })),
  });
  assert.equal(created.httpStatusCode, 201);
  assert.ok(created.data instanceof models.BatchResponseSimplePublicObject);
  assertBatchEnvelope(created.data);
  assert.deepEqual(created.data.results.map((record) => record.properties.email), addresses);
  assert.deepEqual(created.data.results.map((record) => record.properties.firstname), ['F0', 'F1', 'F2']);
  for (const record of created.data.results) {
    assert.ok(record instanceof models.SimplePublicObject);
    assert.equal(record.properties.hs_object_id, record.id);
    assertDate(record.createdAt);
  }
  const ids = created.data.results.map((record) => Number(record.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids are given in input order');
});

test('batch read answers 200, or 207 naming every missing id', async () => {
  const addresses = emails(2);
  const ids = await createContacts(addresses);
  await hs.crm.contacts.basicApi.update(ids[0], { properties: { firstname: 'Ada' } });
  await hs.crm.contacts.basicApi.update(ids[0], { properties: { firstname: 'Grace' } });

  const found = await hs.crm.contacts.batchApi.readWithHttpInfo({
    inputs: ids.map((id) => ({ id })),
    properties: ['email', 'firstname'],
    propertiesWithHistory: ['firstname'],
  });
  assert.equal(found.httpStatusCode, 200);
  assert.ok(found.data instanceof models.BatchResponseSimplePublicObject);
  assertBatchEnvelope(found.data);
  const byId = new Map(found.data.results.map((record) => [record.id, record]));
  assert.deepEqual([...byId.keys()].sort(), [...ids].sort());
  assert.equal(byId.get(ids[0]).properties.firstname, 'Grace');
  assert.deepEqual(byId.get(ids[0]).propertiesWithHistory.firstname.map((entry) => entry.value), ['Grace', 'Ada']);
  assert.equal(byId.get(ids[1]).properties.firstname, null);

  const partial = await hs.crm.contacts.batchApi.readWithHttpInfo({
    inputs: [{ id: ids[0] }, { id: '987654321' }, { id: '987654322' }],
    properties: ['email'],
    propertiesWithHistory: [],
  });
  assert.equal(partial.httpStatusCode, 207);
  assert.ok(partial.data instanceof models.BatchResponseSimplePublicObjectWithErrors);
  assert.deepEqual(partial.data.results.map((record) => record.id), [ids[0]]);
  assert.equal(partial.data.numErrors, 1);
  const [error] = partial.data.errors;
  assert.ok(error instanceof models.StandardError);
  assert.equal(error.status, 'error');
  assert.equal(error.category, 'OBJECT_NOT_FOUND');
  assert.match(error.message, /Could not get some CONTACT objects/);
  assert.deepEqual(error.context, { ids: ['987654321', '987654322'] });

  const byEmail = await hs.crm.contacts.batchApi.read({
    inputs: addresses.map((email) => ({ id: email.toUpperCase() })),
    idProperty: 'email',
    properties: ['email'],
    propertiesWithHistory: [],
  });
  assert.deepEqual(byEmail.results.map((record) => record.id).sort(), [...ids].sort());

  await hs.crm.contacts.basicApi.archive(ids[1]);
  const inTrash = await hs.crm.contacts.batchApi.read(
    { inputs: [{ id: ids[1] }], properties: ['email'], propertiesWithHistory: [] }, true);
  assert.deepEqual(inTrash.results.map((record) => [record.id, record.archived]), [[ids[1], true]]);
  assertDate(inTrash.results[0].archivedAt, 'archivedAt');
});

test('batch update answers 200, or 207 with one error per failed input', async () => {
  const addresses = emails(3);
  const ids = await createContacts(addresses);
  const updated = await hs.crm.contacts.batchApi.updateWithHttpInfo({
    inputs: [
      { id: addresses[0], idProperty: 'email', properties: { firstname: 'Ada' } },
      { id: ids[1], properties: { firstname: 'Grace', lastname: 'Hopper' } },
    ],
  });
  assert.equal(updated.httpStatusCode, 200);
  assert.ok(updated.data instanceof models.BatchResponseSimplePublicObject);
  assert.deepEqual(updated.data.results.map((record) => [record.id, record.properties.firstname]), [
    [ids[0], 'Ada'],
    [ids[1], 'Grace'],
  ]);

  const partial = await hs.crm.contacts.batchApi.updateWithHttpInfo({
    inputs: [
      { id: ids[2], properties: { jobtitle: 'Admiral' }, objectWriteTraceId: 'ok' },
      { id: '987654321', properties: { jobtitle: 'Nobody' }, objectWriteTraceId: 'missing' },
    ],
  });
  assert.equal(partial.httpStatusCode, 207);
  assert.ok(partial.data instanceof models.BatchResponseSimplePublicObjectWithErrors);
  assert.deepEqual(partial.data.results.map((record) => [record.id, record.properties.jobtitle, record.objectWriteTraceId]), [
    [ids[2], 'Admiral', 'ok'],
  ]);
  assert.equal(partial.data.numErrors, 1);
  assert.equal(partial.data.errors[0].category, 'OBJECT_NOT_FOUND');
  assert.deepEqual(partial.data.errors[0].context.ids, ['987654321']);
  const kept = await hs.crm.contacts.basicApi.getById(ids[2], ['jobtitle']);
  assert.equal(kept.properties.jobtitle, 'Admiral', 'the inputs that succeeded committed');

  const duplicate = await apiError(
    hs.crm.contacts.batchApi.update({
      inputs: [{ id: ids[0], properties: { firstname: 'A' } }, { id: ids[0], properties: { firstname: 'B' } }],
    }),
    400,
  );
  assert.match(duplicate.body.message, /^Duplicate IDs found in batch input: /);
});

test('batch upsert by email updates a match and creates the rest, with new', async () => {
  const [existingEmail, newEmail] = emails(2);
  const existing = await hs.crm.contacts.basicApi.create({ properties: { email: existingEmail, lastname: 'Before' } });
  const upserted = await hs.crm.contacts.batchApi.upsertWithHttpInfo({
    inputs: [
      { id: existingEmail, idProperty: 'email', properties: { lastname: 'Old' } },
      { id: newEmail, idProperty: 'email', properties: { lastname: 'New' } },
    ],
  });
  assert.equal(upserted.httpStatusCode, 200);
  assert.ok(upserted.data instanceof models.BatchResponseSimplePublicUpsertObject);
  assertBatchEnvelope(upserted.data);
  const byEmail = new Map(upserted.data.results.map((record) => [record.properties.email, record]));
  assert.ok(byEmail.get(existingEmail) instanceof models.SimplePublicUpsertObject);
  assert.equal(byEmail.get(existingEmail).id, existing.id);
  assert.equal(byEmail.get(existingEmail)._new, false, 'the SDK maps `new` to `_new`');
  assert.equal(byEmail.get(existingEmail).properties.lastname, 'Old');
  assert.equal(byEmail.get(newEmail)._new, true);
  assert.equal(byEmail.get(newEmail).properties.lastname, 'New');
  const fetched = await hs.crm.contacts.basicApi.getById(newEmail, ['lastname'], undefined, undefined, false, 'email');
  assert.equal(fetched.id, byEmail.get(newEmail).id);

  const notUnique = await apiError(
    hs.crm.companies.batchApi.upsert({
      inputs: [{ id: 'globex.example', idProperty: 'domain', properties: { name: 'Globex' } }],
    }),
    400,
  );
  assert.match(notUnique.body.message, /^Unable to perform update\/upsert by non-unique 0-2 property domain/);
});

test('batch create without trace ids is all or nothing, naming the existing id', async () => {
  const [taken, fresh] = emails(2);
  const existing = await hs.crm.contacts.basicApi.create({ properties: { email: taken } });
  const error = await apiError(
    hs.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: fresh }, associations: [] },
        { properties: { email: taken.toUpperCase() }, associations: [] },
      ],
    }),
    409,
  );
  assert.equal(error.body.category, 'CONFLICT');
  assert.equal(error.body.message, `Contact already exists. Existing ID: ${existing.id}`);
  assert.equal(/Existing ID: (\d+)/.exec(error.body.message)[1], existing.id);
  await apiError(
    hs.crm.contacts.basicApi.getById(fresh, undefined, undefined, undefined, false, 'email'),
    404,
  );
});

test('batch create with trace ids answers 207 with each failed input', async () => {
  const [taken, fresh] = emails(2);
  await hs.crm.contacts.basicApi.create({ properties: { email: taken } });
  const response = await hs.crm.contacts.batchApi.createWithHttpInfo({
    inputs: [
      { properties: { email: fresh }, objectWriteTraceId: 'fresh', associations: [] },
      { properties: { email: taken }, objectWriteTraceId: 'taken', associations: [] },
      { properties: { shoe_size: '9' }, objectWriteTraceId: 'unknown', associations: [] },
    ],
  });
  assert.equal(response.httpStatusCode, 207);
  assert.ok(response.data instanceof models.BatchResponseSimplePublicObjectWithErrors);
  assert.deepEqual(response.data.results.map((record) => [record.properties.email, record.objectWriteTraceId]), [
    [fresh, 'fresh'],
  ]);
  assert.equal(response.data.numErrors, 2);
  const [conflict, unknown] = response.data.errors;
  assert.equal(conflict.category, 'CONFLICT');
  assert.deepEqual(conflict.context.objectWriteTraceId, ['taken']);
  assert.match(conflict.message, /Existing ID: \d+/);
  assert.equal(unknown.category, 'VALIDATION_ERROR');
  assert.deepEqual(unknown.context.objectWriteTraceId, ['unknown']);
  assert.equal(unknown.errors[0].code, 'PROPERTY_DOESNT_EXIST');
});

test('batch archive answers 204 and the records leave the live set', async () => {
  const ids = await createContacts(emails(3));
  const archived = await hs.crm.contacts.batchApi.archiveWithHttpInfo({
    inputs: [...ids.map((id) => ({ id })), { id: '987654321' }],
  });
  assert.equal(archived.httpStatusCode, 204);
  assert.equal(archived.data, undefined);
  for (const id of ids) {
    await apiError(hs.crm.contacts.basicApi.getById(id), 404);
  }
  const read = await hs.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] });
  assert.deepEqual(read.results, []);
  assert.deepEqual(read.errors[0].context.ids.sort(), [...ids].sort());
});

test('more than 100 inputs, or none, is a 400 and writes nothing', async () => {
  const tag = marker();
  const tooMany = await apiError(
    hs.crm.contacts.batchApi.create({
      inputs: Array.from({ length: 101 }, (_, n) => ({ properties: { email: `${tag}.${n}@limit.example` }, associations: [] })),
    }),
    400,
  );
  assert.equal(tooMany.body.category, 'VALIDATION_ERROR');
  assert.match(tooMany.body.message, /^Too many inputs/);
  const written = await hs.crm.contacts.searchApi.doSearch({ query: tag });
  assert.equal(written.total, 0);

  const readTooMany = await apiError(
    hs.crm.contacts.batchApi.read({
      inputs: Array.from({ length: 101 }, (_, n) => ({ id: String(n + 1) })),
      properties: [],
      propertiesWithHistory: [],
    }),
    400,
  );
  assert.match(readTooMany.body.message, /^Too many inputs/);

  const none = await apiError(hs.crm.contacts.batchApi.archive({ inputs: [] }), 400);
  assert.equal(none.body.message, 'Batch input provided should have at least one object.');
});
