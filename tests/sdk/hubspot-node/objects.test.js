'use strict';
// The objects API (basicApi) through HubSpot's official Node SDK: create, getById, getPage,
// update and archive, with properties, propertiesWithHistory, associations, archived and
// idProperty, on contacts, companies, deals, engagements and a custom object type.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const contacts = require('@hubspot/api-client/lib/codegen/crm/contacts');
const { startCrmd } = require('./support/crmd');
const { apiError, assertDate, marker, uniqueEmail } = require('./support/sdk');

let crmd;
let hs;

before(async () => {
  crmd = await startCrmd('objects');
  hs = crmd.client();
});

after(async () => {
  await crmd?.finish();
});

const DEAL_TO_COMPANY = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 };

async function newCompany(name = 'Globex') {
  return hs.crm.companies.basicApi.create({ properties: { name }, associations: [] });
}

test('a contact is created, read, updated and archived', async () => {
  const email = `ada+${marker()}@example.com`;
  const created = await hs.crm.contacts.basicApi.createWithHttpInfo({
    properties: { email, firstname: 'Ada', lastname: 'Lovelace' },
    associations: [],
  });
  assert.equal(created.httpStatusCode, 201);
  const contact = created.data;
  assert.ok(contact instanceof contacts.SimplePublicObject);
  assert.match(contact.id, /^[0-9]+$/);
  assert.equal(contact.properties.hs_object_id, contact.id);
  assert.equal(contact.properties.email, email);
  assert.equal(contact.properties.firstname, 'Ada');
  assert.equal(contact.archived, false);
  assert.equal(contact.archivedAt, undefined);
  assertDate(contact.createdAt, 'createdAt');
  assertDate(contact.updatedAt, 'updatedAt');
  assert.equal(contact.createdAt.toISOString(), contact.properties.createdate);
  assert.equal(contact.updatedAt.toISOString(), contact.properties.lastmodifieddate);

  const fetched = await hs.crm.contacts.basicApi.getById(contact.id, ['email', 'jobtitle']);
  assert.ok(fetched instanceof contacts.SimplePublicObjectWithAssociations);
  assert.deepEqual(Object.keys(fetched.properties).sort(), [
    'createdate',
    'email',
    'hs_object_id',
    'jobtitle',
    'lastmodifieddate',
  ]);
  assert.equal(fetched.properties.email, email);
  assert.equal(fetched.properties.jobtitle, null, 'a requested, unset property is null');
  assert.equal(fetched.associations, undefined);
  assert.equal(fetched.propertiesWithHistory, undefined);

  const defaults = await hs.crm.contacts.basicApi.getById(contact.id);
  assert.deepEqual(Object.keys(defaults.properties).sort(), [
    'createdate',
    'email',
    'firstname',
    'hs_object_id',
    'lastmodifieddate',
    'lastname',
  ]);

  // The SDK percent-encodes the path segment; crmd decodes it and matches emails case-insensitively.
  const byEmail = await hs.crm.contacts.basicApi.getById(
    email.toUpperCase(), ['firstname'], undefined, undefined, false, 'email');
  assert.equal(byEmail.id, contact.id);
  assert.equal(byEmail.properties.firstname, 'Ada');

  const updated = await hs.crm.contacts.basicApi.updateWithHttpInfo(contact.id, {
    properties: { lastname: 'King' },
  });
  assert.equal(updated.httpStatusCode, 200);
  assert.ok(updated.data instanceof contacts.SimplePublicObject);
  assert.equal(updated.data.properties.firstname, 'Ada', 'properties not sent are kept');
  assert.equal(updated.data.properties.lastname, 'King');
  assert.ok(updated.data.updatedAt >= contact.updatedAt);
  assert.equal(updated.data.createdAt.getTime(), contact.createdAt.getTime());

  const byIdProperty = await hs.crm.contacts.basicApi.update(
    email, { properties: { jobtitle: 'Countess' } }, 'email');
  assert.equal(byIdProperty.id, contact.id);
  assert.equal(byIdProperty.properties.jobtitle, 'Countess');

  const history = await hs.crm.contacts.basicApi.getById(contact.id, ['lastname'], ['lastname', 'not_a_property']);
  assert.deepEqual(Object.keys(history.propertiesWithHistory), ['lastname']);
  const entries = history.propertiesWithHistory.lastname;
  assert.deepEqual(entries.map((entry) => entry.value), ['King', 'Lovelace'], 'newest first');
  for (const entry of entries) {
    assert.equal(entry.constructor.name, 'ValueWithTimestamp');
    assert.equal(entry.sourceType, 'API');
    assertDate(entry.timestamp, 'timestamp');
  }
  assert.ok(entries[0].timestamp >= entries[1].timestamp);

  const archived = await hs.crm.contacts.basicApi.archiveWithHttpInfo(contact.id);
  assert.equal(archived.httpStatusCode, 204);
  assert.equal(archived.data, undefined);

  const missing = await apiError(hs.crm.contacts.basicApi.getById(contact.id), 404);
  assert.equal(missing.body.category, 'OBJECT_NOT_FOUND');
  assert.deepEqual(missing.body.context, { id: [contact.id] });

  const inTrash = await hs.crm.contacts.basicApi.getById(contact.id, ['email'], undefined, undefined, true);
  assert.equal(inTrash.archived, true);
  assertDate(inTrash.archivedAt, 'archivedAt');
  assert.equal(inTrash.properties.email, email);

  const trash = await hs.crm.contacts.basicApi.getPage(100, undefined, ['email'], undefined, undefined, true);
  assert.ok(trash.results.some((record) => record.id === contact.id));
  assert.ok(trash.results.every((record) => record.archived === true), 'archived=true lists only the trash');
  const live = await hs.crm.contacts.basicApi.getPage(100);
  assert.ok(!live.results.some((record) => record.id === contact.id));

  // Archiving again, or an id that names nothing, is still 204.
  assert.equal(await hs.crm.contacts.basicApi.archive(contact.id), undefined);
  assert.equal(await hs.crm.contacts.basicApi.archive('987654321'), undefined);
});

test('an empty string clears a property', async () => {
  const created = await hs.crm.contacts.basicApi.create({
    properties: { email: uniqueEmail(), jobtitle: 'Analyst' },
  });
  const updated = await hs.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: '' } });
  assert.equal(updated.properties.jobtitle, undefined, 'an update answers only properties with a value');
  const fetched = await hs.crm.contacts.basicApi.getById(created.id, ['jobtitle']);
  assert.equal(fetched.properties.jobtitle, null);
});

test('getPage pages in ascending id order with a string after, and no paging on the last page', async () => {
  const name = `Paged ${marker()}`;
  for (let n = 0; n < 3; n += 1) await newCompany(`${name} ${n}`);
  const seen = [];
  let after;
  let pages = 0;
  do {
    const page = await hs.crm.companies.basicApi.getPage(2, after, ['name']);
    assert.equal(page.constructor.name, 'CollectionResponseSimplePublicObjectWithAssociationsForwardPaging');
    assert.ok(page.results.length <= 2);
    seen.push(...page.results.map((record) => Number(record.id)));
    after = page.paging?.next?.after;
    if (page.paging !== undefined) {
      assert.equal(typeof after, 'string');
      assert.notEqual(after, '');
    }
    pages += 1;
  } while (after);
  assert.ok(pages >= 2);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(new Set(seen).size, seen.length, 'no record twice');
});

test('a deal is created with an association to its company, and reads embed it', async () => {
  const company = await newCompany('Initech');
  const deal = await hs.crm.deals.basicApi.create({
    properties: {
      dealname: 'Big one',
      dealstage: 'opt_stage_discovery',
      amount: '12000.5',
      closedate: '2026-06-30T12:00:00.000Z',
    },
    associations: [{ to: { id: company.id }, types: [DEAL_TO_COMPANY] }],
  });
  assert.equal(deal.properties.amount, '12000.5', 'numbers are strings on the wire');
  assert.equal(deal.properties.closedate, '2026-06-30T12:00:00.000Z');
  assert.equal(deal.properties.dealstage, 'opt_stage_discovery');

  const fetched = await hs.crm.deals.basicApi.getById(deal.id, ['dealname'], undefined, ['companies', 'no_such_type']);
  assert.deepEqual(Object.keys(fetched.associations), ['companies']);
  const embedded = fetched.associations.companies;
  assert.equal(embedded.constructor.name, 'CollectionResponseAssociatedId');
  assert.equal(embedded.paging, undefined);
  assert.deepEqual(
    embedded.results.map((item) => [item.id, item.type]).sort(),
    [[company.id, 'deal_to_company'], [company.id, 'deal_to_company_unlabeled']],
  );
  assert.ok(embedded.results.every((item) => item.constructor.name === 'AssociatedId'));

  const fromCompany = await hs.crm.companies.basicApi.getById(company.id, undefined, undefined, ['deals']);
  assert.deepEqual(
    [...new Set(fromCompany.associations.deals.results.map((item) => item.id))],
    [deal.id],
  );

  const listed = await hs.crm.deals.basicApi.getPage(100, undefined, ['dealname'], undefined, ['companies']);
  const listedDeal = listed.results.find((record) => record.id === deal.id);
  assert.ok(listedDeal.associations.companies.results.every((item) => item.id === company.id));
});

test('an association to a record that does not exist writes nothing', async () => {
  const dealname = `Ghost ${marker()}`;
  const error = await apiError(
    hs.crm.deals.basicApi.create({
      properties: { dealname },
      associations: [{ to: { id: '987654321' }, types: [DEAL_TO_COMPANY] }],
    }),
    400,
  );
  assert.equal(error.body.message, 'One or more associations are invalid');
  assert.equal(error.body.category, 'VALIDATION_ERROR');
  const found = await hs.crm.deals.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: dealname }] }],
  });
  assert.equal(found.total, 0);
});

test('notes and meetings are created associated with a contact through crm.objects', async () => {
  const contact = await hs.crm.contacts.basicApi.create({ properties: { email: uniqueEmail() } });
  const note = await hs.crm.objects.notes.basicApi.createWithHttpInfo({
    properties: { hs_note_body: 'Called about the renewal\nAll good' },
    associations: [{
      to: { id: contact.id },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }],
    }],
  });
  assert.equal(note.httpStatusCode, 201);
  assert.equal(note.data.properties.hs_note_body, 'Called about the renewal\nAll good');
  assertDate(note.data.createdAt);
  assert.equal(note.data.properties.hs_createdate, note.data.createdAt.toISOString());

  const start = Date.UTC(2026, 4, 1, 10, 0, 0);
  const meeting = await hs.crm.objects.meetings.basicApi.create({
    properties: {
      hs_meeting_title: 'Kick-off',
      hs_meeting_start_time: String(start),
      hs_meeting_end_time: '2026-05-01T11:30:00+02:00',
    },
    associations: [{
      to: { id: contact.id },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 200 }],
    }],
  });
  assert.equal(meeting.properties.hs_meeting_start_time, '2026-05-01T10:00:00.000Z', 'epoch ms in, ISO out');
  assert.equal(meeting.properties.hs_meeting_end_time, '2026-05-01T09:30:00.000Z');

  const fetched = await hs.crm.objects.notes.basicApi.getById(
    note.data.id, ['hs_note_body'], undefined, ['contacts']);
  assert.deepEqual(Object.keys(fetched.properties).sort(), [
    'hs_createdate', 'hs_lastmodifieddate', 'hs_note_body', 'hs_object_id',
  ]);
  assert.deepEqual(fetched.associations.contacts.results.map((item) => [item.id, item.type]), [
    [contact.id, 'note_to_contact'],
  ]);

  const fromContact = await hs.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['notes', 'meetings']);
  assert.deepEqual(fromContact.associations.notes.results.map((item) => item.id), [note.data.id]);
  assert.deepEqual(fromContact.associations.meetings.results.map((item) => item.id), [meeting.id]);

  const generic = await hs.crm.objects.basicApi.getById('0-47', meeting.id, ['hs_meeting_title']);
  assert.equal(generic.properties.hs_meeting_title, 'Kick-off');
});

test('a custom object type is reached by name, p_ name and objectTypeId, and by a unique idProperty', async () => {
  const vin = marker();
  const created = await hs.crm.objects.basicApi.create('2-1', {
    properties: {
      model: 'Model T',
      vin,
      year: 1925,
      electric: false,
      first_registered: '1430438400000',
      extras: 'tow;sunroof',
    },
  });
  assert.deepEqual(
    [created.properties.year, created.properties.electric, created.properties.first_registered, created.properties.extras],
    ['1925', 'false', '2015-05-01', 'sunroof;tow'],
    'values come back as strings, whatever JSON type they went in as',
  );
  for (const objectType of ['cars', 'p_cars', '2-1', 'CARS']) {
    const fetched = await hs.crm.objects.basicApi.getById(objectType, vin, ['model'], undefined, undefined, false, 'vin');
    assert.equal(fetched.id, created.id, objectType);
    assert.deepEqual(Object.keys(fetched.properties).sort(), [
      'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id', 'model',
    ]);
  }
  const updated = await hs.crm.objects.basicApi.update('cars', vin, { properties: { year: '1926' } }, 'vin');
  assert.equal(updated.properties.year, '1926');

  const invalid = await apiError(
    hs.crm.objects.basicApi.update('cars', created.id, { properties: { first_registered: '1496643178000' } }),
    400,
  );
  assert.equal(invalid.body.errors[0].code, 'INVALID_DATE');
  assert.match(invalid.body.errors[0].message, /not midnight!/);

  assert.equal(await hs.crm.objects.basicApi.archive('p_cars', created.id), undefined);
  const archived = await hs.crm.objects.basicApi.getById('cars', created.id, undefined, undefined, undefined, true);
  assert.equal(archived.archived, true);
});

test('a company address is split into properties', async () => {
  const created = await hs.crm.companies.basicApi.create({
    properties: { name: 'Globex', address: '9 Harbor Rd', city: 'Portland', zip: '97201', country: 'us' },
  });
  const fetched = await hs.crm.companies.basicApi.getById(created.id, ['address', 'city', 'zip', 'country', 'state']);
  assert.equal(fetched.properties.address, '9 Harbor Rd');
  assert.equal(fetched.properties.city, 'Portland');
  assert.equal(fetched.properties.zip, '97201');
  assert.equal(fetched.properties.country, 'US');
  assert.equal(fetched.properties.state, null);
});

test('client.apiRequest reaches crmd through the same basePath', async () => {
  const created = await hs.apiRequest({
    method: 'POST',
    path: '/crm/v3/objects/companies',
    body: { properties: { name: 'Raw request' } },
  });
  assert.equal(created.status, 201);
  const company = await created.json();
  assert.equal(company.properties.name, 'Raw request');

  // apiRequest sends `Content-Type: application/json` on requests without a body too.
  const fetched = await hs.apiRequest({ method: 'GET', path: `/crm/v3/objects/companies/${company.id}`, qs: { properties: 'name' } });
  assert.equal(fetched.status, 200);
  assert.match(fetched.headers.get('content-type'), /^application\/json/);
  assert.equal((await fetched.json()).properties.name, 'Raw request');

  const archived = await hs.apiRequest({ method: 'DELETE', path: `/crm/v3/objects/companies/${company.id}` });
  assert.equal(archived.status, 204);
  assert.equal(await archived.text(), '');
});
