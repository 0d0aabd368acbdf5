import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const read = (path: string) => load(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, any>;

describe('app.yml (docs/architecture.md, "The GitHub App": the permissions and events the app needs, and no more)', () => {
  const app = read('app.yml');

  it('asks for exactly the permissions the issue lists', () => {
    expect(app.default_permissions).toEqual({ checks: 'write', contents: 'write', issues: 'write', pull_requests: 'write', members: 'read', metadata: 'read' });
  });

  it('subscribes to the events the handlers serve (installation events are always delivered)', () => {
    expect([...app.default_events].sort()).toEqual(['check_run', 'check_suite', 'issue_comment', 'organization', 'pull_request', 'push']);
  });
});

describe('action.yml (docs/architecture.md, "The GitHub Action")', () => {
  const action = read('action.yml');

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares the inputs and outputs of issue 5', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(['config', 'fail-on', 'fingerprint-key', 'history', 'issues', 'mode', 'path', 'sarif-file', 'token'].sort());
    expect(action.inputs.token.default).toBe('${{ github.token }}');
    expect(Object.keys(action.outputs).sort()).toEqual(['findings', 'live', 'no-rotation', 'sarif-file', 'secrets', 'unowned']);
  });
});
