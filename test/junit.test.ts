import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeXmlText, JUnitError, parseJUnit, readJUnitFiles, findJUnitFiles } from '../src/adapters/junit.js';
import { REPO_ROOT } from './helpers/repo.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'junit');
const read = (name: string) => readJUnitFiles([{ path: join(FIXTURES, name), label: `fixtures/junit/${name}` }])[0]!;
const brief = (name: string) => read(name).cases.map((c) => [c.name, c.outcome, c.file ?? null, c.classname]);

describe('JUnit dialects', () => {
  it('vitest: names are "describe > it", the file is the classname, entities decoded', () => {
    const r = read('vitest.xml');
    expect(brief('vitest.xml')).toEqual([
      ['dose limits > rejects a dose above the maximum [H-004-C01]', 'passed', 'test/dose.test.ts', 'test/dose.test.ts'],
      ['dose limits > warns when renal function is reduced', 'failed', 'test/dose.test.ts', 'test/dose.test.ts'],
      ['dose limits > uses the latest lab result', 'skipped', 'test/dose.test.ts', 'test/dose.test.ts'],
      ['units > writes micrograms in full', 'passed', 'test/dose.test.ts', 'test/dose.test.ts'],
    ]);
    expect(r.cases[1]!.message).toBe('expected 5 to be 10 // Object.is equality');
    expect(r.timestamp).toBe('2026-11-29T10:00:01.000Z');
    expect(r.hostname).toBe('fv-az1234-567');
  });

  it('jest-junit: absolute file attribute, failure text as the message', () => {
    const r = read('jest-junit.xml');
    expect(r.cases.map((c) => c.outcome)).toEqual(['passed', 'failed', 'skipped', 'passed']);
    expect(r.cases[0]!.file).toBe('/home/runner/work/medrec/medrec/test/dose.test.js');
    expect(r.cases[1]!.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
  });

  it('pytest xunit2: no file, dotted classname; skipped with a message', () => {
    expect(brief('pytest-xunit2.xml')).toEqual([
      ['test_rejects_dose_above_maximum', 'passed', null, 'tests.test_dose.TestDoseLimits'],
      ['test_warns_when_renal_function_reduced', 'failed', null, 'tests.test_dose.TestDoseLimits'],
      ['test_uses_latest_lab_result', 'skipped', null, 'tests.test_dose.TestDoseLimits'],
      ['test_writes_micrograms_in_full', 'passed', null, 'tests.test_units'],
    ]);
    expect(read('pytest-xunit2.xml').cases[2]!.message).toBe('needs the lab feed');
  });

  it('pytest xunit1: file attribute, <error> counts as failed', () => {
    expect(brief('pytest-xunit1.xml')).toEqual([
      ['test_rejects_dose_above_maximum', 'passed', 'tests/test_dose.py', 'tests.test_dose.TestDoseLimits'],
      ['test_warns_when_renal_function_reduced', 'failed', 'tests/test_dose.py', 'tests.test_dose.TestDoseLimits'],
    ]);
  });

  it('Maven Surefire: <testsuite> root, CDATA error, nested class', () => {
    const r = read('TEST-com.medrec.dose.DoseLimitsTest.xml');
    expect(r.cases.map((c) => [c.name, c.outcome, c.classname])).toEqual([
      ['rejectsDoseAboveMaximum', 'passed', 'com.medrec.dose.DoseLimitsTest'],
      ['warnsWhenRenalFunctionReduced', 'failed', 'com.medrec.dose.DoseLimitsTest'],
      ['usesLatestLabResult', 'skipped', 'com.medrec.dose.DoseLimitsTest'],
      ['writesMicrogramsInFull', 'passed', 'com.medrec.dose.DoseLimitsTest$Units'],
    ]);
    expect(r.cases[1]!.message).toBe('Cannot invoke "com.medrec.lab.Result.egfr()" because "latest" is null');
    expect(r.cases.every((c) => c.file === undefined)).toBe(true);
  });

  it('gotestsum: the package import path is the classname; &#xA; decoded', () => {
    const r = read('gotestsum.xml');
    expect(r.cases.map((c) => [c.name, c.outcome])).toEqual([
      ['TestRejectsDoseAboveMaximum', 'passed'],
      ['TestWarnsWhenRenalFunctionReduced', 'failed'],
      ['TestUsesLatestLabResult', 'skipped'],
      ['TestWritesMicrogramsInFull', 'passed'],
    ]);
    expect(r.cases[2]!.message).toBe('=== RUN   TestUsesLatestLabResult');
    expect(r.cases[0]!.classname).toBe('github.com/example-health/medrec/dose');
  });

  it('finds reports by glob, sorted, files only', async () => {
    const files = await findJUnitFiles(REPO_ROOT, ['fixtures/junit/*.xml', 'fixtures/junit/vitest.xml']);
    expect(files.map((f) => f.label)).toEqual([
      'fixtures/junit/TEST-com.medrec.dose.DoseLimitsTest.xml',
      'fixtures/junit/gotestsum.xml',
      'fixtures/junit/jest-junit.xml',
      'fixtures/junit/pytest-xunit1.xml',
      'fixtures/junit/pytest-xunit2.xml',
      'fixtures/junit/vitest.xml',
    ]);
  });
});

describe('hostile and broken reports', () => {
  const fails = (text: string, budget?: { cases: number }) => {
    try {
      parseJUnit('r.xml', text, budget);
    } catch (e) {
      expect(e).toBeInstanceOf(JUnitError);
      return (e as JUnitError).message;
    }
    throw new Error('expected a JUnitError');
  };

  it('refuses entity declarations (billion laughs, external entities) with a position', () => {
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">\n]>\n<testsuites><testsuite name="&lol2;"/></testsuites>`;
    expect(fails(lol)).toBe('r.xml:3:2: declares an XML entity; JUnit reports never need one and clinsafe does not expand them');
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>`;
    expect(fails(xxe)).toMatch(/^r\.xml:1:\d+: declares an XML entity/);
  });

  it('leaves unknown entities literal and decodes only the predefined ones', () => {
    expect(decodeXmlText('a &lt;b&gt; &amp;amp; &#x41;&#66; &foo; &#0;')).toBe('a <b> &amp; AB &foo; &#0;');
  });

  it('reports malformed XML at its line and column', () => {
    expect(fails('<testsuites>\n  <testsuite name="x">\n    <testcase name="a">\n  </testsuite>\n</testsuites>')).toMatch(
      /^r\.xml:4:\d+: is not well-formed XML: /,
    );
  });

  it('refuses a document that is not a JUnit report', () => {
    expect(fails('<html><body/></html>')).toBe('r.xml:1:1: is not a JUnit report: the root element must be <testsuites> or <testsuite>');
  });

  it('bounds nesting depth without a stack overflow', () => {
    const deep = `<testsuites>${'<testsuite>'.repeat(200)}${'</testsuite>'.repeat(200)}</testsuites>`;
    expect(fails(deep)).toMatch(/^r\.xml:1:1: cannot be read as XML: /);
  });

  it('bounds the number of test cases across reports', () => {
    const three = '<testsuite><testcase name="a"/><testcase name="b"/><testcase name="c"/></testsuite>';
    expect(fails(three, { cases: 2 })).toMatch(/holds more than \d+ test cases/);
  });

  it('refuses a file over the size cap before reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinsafe-junit-'));
    try {
      const big = join(dir, 'big.xml');
      writeFileSync(big, '');
      truncateSync(big, 51 * 1024 * 1024);
      expect(() => readJUnitFiles([{ path: big, label: 'reports/big.xml' }])).toThrow(
        'reports/big.xml:1:1: is 51 MB, larger than the 50 MB clinsafe reads; split the report',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
