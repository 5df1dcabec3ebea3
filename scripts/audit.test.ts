import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The audit policy, on saved `npm audit --json` outputs (the endpoint is unreachable here). */
const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const advisory = (name: string, severity: string, ghsa: string) => ({
  name,
  severity,
  isDirect: false,
  via: [{ source: 1100000, name, dependency: name, title: `${name} is vulnerable`, url: `https://github.com/advisories/${ghsa}`, severity, range: '<1.2.3' }],
  effects: [],
  range: '<1.2.3',
  nodes: [`node_modules/${name}`],
  fixAvailable: true,
});
const report = (vulnerabilities: Record<string, unknown>) => ({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { total: Object.keys(vulnerabilities).length } } });

function audit(input: unknown, options: { allowlist?: unknown; required?: boolean } = {}): { code: number | null; out: string } {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), AUDIT_INPUT: file(`in-${Math.random()}.json`, input), AUDIT_TODAY: '2026-11-22' };
  env['AUDIT_ALLOWLIST'] = file(`allow-${Math.random()}.json`, options.allowlist ?? { advisories: [] });
  if (options.required) env['AUDIT_REQUIRED'] = '1';
  else delete env['AUDIT_REQUIRED'];
  const r = spawnSync(process.execPath, ['scripts/audit.mjs'], { cwd: new URL('..', import.meta.url), env, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const unreachable = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } };

describe('scripts/audit.mjs', () => {
  it('says loudly that the audit could not run when the endpoint is unreachable, and does not fail', () => {
    const r = audit(unreachable);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/AUDIT NOT RUN: npm audit could not reach the advisory endpoint \(405 Method Not Allowed/);
  });

  it('fails that case with AUDIT_REQUIRED=1', () => {
    expect(audit(unreachable, { required: true }).code).toBe(1);
    expect(audit('npm ERR! not json', { required: true }).code).toBe(1);
  });

  it('fails on a high or critical advisory in a production dependency, naming it', () => {
    const r = audit(report({ tar: advisory('tar', 'high', 'GHSA-aaaa-bbbb-cccc') }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('HIGH tar <1.2.3: tar is vulnerable https://github.com/advisories/GHSA-aaaa-bbbb-cccc');
  });

  it('passes moderate and low findings', () => {
    const r = audit(report({ ms: advisory('ms', 'moderate', 'GHSA-mmmm-mmmm-mmmm') }));
    expect(r.code).toBe(0);
    expect(r.out).toContain('no high or critical advisory');
  });

  it('accepts an allowlisted advisory until its expiry date, and fails once it has passed', () => {
    const input = report({ tar: advisory('tar', 'critical', 'GHSA-aaaa-bbbb-cccc') });
    const entry = { id: 'GHSA-aaaa-bbbb-cccc', package: 'tar', reason: 'only extracts archives we built ourselves' };
    const ok = audit(input, { allowlist: { advisories: [{ ...entry, expires: '2026-12-31' }] } });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('allowed until 2026-12-31: critical GHSA-aaaa-bbbb-cccc in tar');
    const expired = audit(input, { allowlist: { advisories: [{ ...entry, expires: '2026-11-01' }] } });
    expect(expired.code).toBe(1);
    expect(expired.out).toContain('allowlist entry expired 2026-11-01');
  });

  it('refuses an allowlist entry without a reason or an expiry', () => {
    const r = audit(report({}), { allowlist: { advisories: [{ id: 'GHSA-aaaa-bbbb-cccc', reason: '' }] } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/"reason" must say why[\s\S]*"expires" must be a date/);
  });

  it('starts from an empty, valid allowlist in the repository', () => {
    const r = spawnSync(process.execPath, ['scripts/audit.mjs'], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, AUDIT_INPUT: file('clean.json', report({})), AUDIT_REQUIRED: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
  });
});
