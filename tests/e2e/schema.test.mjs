// The sync file's JSON Schema (docs/bundle.schema.json), which other
// systems read the file by, checked against files the command line writes
// in both formats it writes (3, and 2 for older apps), and against the
// mistakes it must catch. No browser: the schema is a document. (Files the
// app exports are checked against it where tests export them: trust.test.mjs
// for roster, settings and incident events.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, bundleSchema } from './harness.mjs';

let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'gridcare-schema-')); });
after(() => rmSync(work, { recursive: true, force: true }));

const gridcare = (...args) => execFileSync(join(root, 'target', 'debug', 'gridcare'), args, { encoding: 'utf8' });
const validate = (file) => bundleSchema().validate(file);
const errors = () => bundleSchema().errors();

test('files of format 3 and 2 written by the command line follow the schema; its mistakes do not', () => {
  const v3 = join(work, 'v3.json');
  const v2 = join(work, 'v2.json');
  gridcare('demo', '--tickets', '300', '--seed', '7', '--device', 'tab-S', '-o', v3);
  gridcare('merge', v3, '--file-version', '2', '-o', v2);
  const files = { 3: JSON.parse(readFileSync(v3, 'utf8')), 2: JSON.parse(readFileSync(v2, 'utf8')) };
  for (const [version, file] of Object.entries(files)) {
    assert.equal(file.version, Number(version));
    assert.ok(validate(file), `format ${version}: ${errors()}`);
  }
  const types = new Set(files[3].events.map((e) => e.type));
  assert.ok(types.size >= 9, `the demo writes ${types.size} kinds of event: ${[...types]}`);
  assert.ok(Object.keys(files[3].chains).length > 0, 'signed chains are described too');

  const changed = (version, edit) => {
    const copy = structuredClone(files[version]);
    edit(copy);
    return validate(copy);
  };
  assert.equal(changed(2, (f) => { delete f.events[0].id; }), false, 'format 2 names every id');
  assert.equal(changed(3, (f) => { f.events[0].colour = 'red'; }), false, 'an unknown member');
  assert.equal(changed(3, (f) => { f.events[0].type = 'teleported'; }), false, 'an unknown type');
  const created = files[3].events.findIndex((e) => e.type === 'created');
  assert.equal(changed(3, (f) => { delete f.events[created].text; }), false, 'a created event without its text');
  assert.equal(changed(3, (f) => { f.events[created].satisfaction = 90; }), false, "another type's member");
  assert.equal(changed(3, (f) => { f.version = 4; }), false, 'a version not described');
  assert.equal(changed(3, (f) => { f.chains[Object.keys(f.chains)[0]][0].seq = 'all'; }), false, 'a chain record of the wrong shape');
  assert.equal(changed(3, (f) => { f.events[0].id = 'sha256:' + '0'.repeat(64); }), true, 'format 3 may carry an id (a reader checks it; a schema cannot)');
});
