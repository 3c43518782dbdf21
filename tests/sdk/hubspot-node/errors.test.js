'use strict';
// Errors as HubSpot's official Node SDK surfaces them: an `ApiException` with the status in
// `code`, HubSpot's error body parsed into `body`, and the response headers. Clients parse
// `message`, `category`, `errors[].code` and `context`, and the `Existing ID:` text.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startCrmd } = require('./support/crmd');
const { apiError, uniqueEmail } = require('./support/sdk');

let crmd;
let hs;

before(async () => {
  crmd = await startCrmd('errors');
  hs = crmd.client();
});

after(async () => {
  await crmd?.finish();
});

test('401 for a token that is not a crmd key, and for a revoked key', async () => {
  const stranger = crmd.client('pat-na1-00000000-0000-0000-0000-000000000000');
  const error = await apiError(stranger.crm.contacts.basicApi.getPage(), 401);
  assert.equal(error.body.category, 'INVALID_AUTHENTICATION');

  const key = crmd.createKey({ label: 'short-lived' });
  const client = crmd.client(key);
  const page = await client.crm.companies.basicApi.getPage(1);
  assert.ok(Array.isArray(page.results));
  crmd.revokeKey(key);
  const revoked = await apiError(client.crm.companies.basicApi.getPage(1), 401);
  assert.equal(revoked.body.category, 'INVALID_AUTHENTICATION');
});

test('403 names the HubSpot scope a scoped key lacks', async () => {
  const reader = crmd.client(crmd.createKey({ scopes: ['contacts:read'], label: 'reader' }));
  const listed = await reader.crm.contacts.basicApi.getPage(1);
  assert.ok(Array.isArray(listed.results));
  const error = await apiError(reader.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() } }), 403);
  assert.equal(error.body.category, 'MISSING_SCOPES');
  assert.ok(error.body.errors[0].context.requiredGranularScopes.includes('crm.objects.contacts.write'));
  const companies = await apiError(reader.crm.companies.basicApi.getPage(1), 403);
  assert.ok(companies.body.errors[0].context.requiredGranularScopes.includes('crm.objects.companies.read'));
});

test('404 for an id, an idProperty value or an object type that names nothing', async () => {
  const byId = await apiError(hs.crm.contacts.basicApi.getById('987654321'), 404);
  assert.equal(byId.body.category, 'OBJECT_NOT_FOUND');
  assert.equal(byId.body.message, 'Object not found.  objectId are usually numeric.');
  assert.deepEqual(byId.body.context, { id: ['987654321'] });

  const byEmail = await apiError(
    hs.crm.contacts.basicApi.getById('nobody@example.com', undefined, undefined, undefined, false, 'email'), 404);
  assert.deepEqual(byEmail.body.context, { id: ['nobody@example.com'] });

  const update = await apiError(hs.crm.companies.basicApi.update('987654321', { properties: { name: 'x' } }), 404);
  assert.equal(update.body.category, 'OBJECT_NOT_FOUND');

  const type = await apiError(hs.crm.objects.basicApi.getPage('spaceships'), 404);
  assert.equal(type.body.message, 'Unable to infer object type from: spaceships');
});

test('409 names the existing id, on create and on update', async () => {
  const email = uniqueEmail();
  const first = await hs.crm.contacts.basicApi.create({ properties: { email } });
  const created = await apiError(hs.crm.contacts.basicApi.create({ properties: { email: email.toUpperCase() } }), 409);
  assert.equal(created.body.category, 'CONFLICT');
  assert.equal(created.body.message, `Contact already exists. Existing ID: ${first.id}`);
  assert.equal(/Existing ID: (\d+)/.exec(created.body.message)[1], first.id);

  const second = await hs.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() } });
  const updated = await apiError(hs.crm.contacts.basicApi.update(second.id, { properties: { email } }), 409);
  assert.equal(updated.body.message, `Contact already exists. Existing ID: ${first.id}`);
  const unchanged = await hs.crm.contacts.basicApi.getById(second.id, ['email']);
  assert.notEqual(unchanged.properties.email, email);
});

test('400 validation errors name the property and the problem', async () => {
  const unknown = await apiError(hs.crm.contacts.basicApi.create({ properties: { favourite_colour: 'blue' } }), 400);
  assert.equal(unknown.body.category, 'VALIDATION_ERROR');
  assert.match(unknown.body.message, /^Property values were not valid: /);
  assert.equal(unknown.body.errors[0].code, 'PROPERTY_DOESNT_EXIST');
  assert.deepEqual(unknown.body.errors[0].context.propertyName, ['favourite_colour']);

  const email = await apiError(hs.crm.contacts.basicApi.create({ properties: { email: 'not an email' } }), 400);
  assert.equal(email.body.errors[0].code, 'INVALID_EMAIL');
  assert.deepEqual(email.body.errors[0].context.propertyName, ['email']);

  const readOnly = await apiError(hs.crm.contacts.basicApi.create({ properties: { hs_object_id: '5' } }), 400);
  assert.equal(readOnly.body.errors[0].code, 'READ_ONLY_VALUE');

  const year = await apiError(hs.crm.objects.basicApi.create('cars', { properties: { model: 'T', year: 'old' } }), 400);
  assert.equal(year.body.errors[0].code, 'INVALID_LONG');
  assert.deepEqual(year.body.errors[0].context.propertyName, ['year']);

  const contact = await hs.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() } });
  const empty = await apiError(hs.crm.contacts.basicApi.update(contact.id, { properties: {} }), 400);
  assert.equal(empty.body.message, 'No properties found to update, please provide at least one.');

  const required = await apiError(hs.crm.deals.basicApi.create({ properties: { dealname: 'Orphan' } }), 400);
  assert.match(required.body.message, /^Error creating DEAL\. Some required associations were not set/);

  const nonUnique = await apiError(
    hs.crm.companies.basicApi.getById('globex.example', undefined, undefined, undefined, false, 'domain'), 400);
  assert.match(nonUnique.body.message, /^Unable to perform update\/upsert by non-unique 0-2 property domain in portal ID \d+/);
});
