import { describe, expect, it } from 'vitest';
import { canRunCommands, identityOfIssue, parseCommands } from '../../../src/github/commands.js';

describe('parseCommands', () => {
  it.each([
    ['/nhi-steward owner @acme/payments', { kind: 'owner', owner: '@acme/payments' }],
    ['/nhi-steward owner @jdoe', { kind: 'owner', owner: '@jdoe' }],
    ['/nhi-steward owner platform@acme.example', { kind: 'owner', owner: 'platform@acme.example' }],
    ['/nhi-steward rotation 90d', { kind: 'rotation', rotation: '90d' }],
    ['/nhi-steward rotation 12h', { kind: 'rotation', rotation: '12h' }],
    ['/nhi-steward rotation managed', { kind: 'rotation', rotation: 'managed' }],
    ['/nhi-steward exempt "Vendor cannot rotate" until 2027-03-31', { kind: 'exempt', justification: 'Vendor cannot rotate', reviewBy: '2027-03-31' }],
    ['/nhi-steward rescan', { kind: 'rescan' }],
    ['/nhi-steward rescan --history', { kind: 'rescan', history: true }],
  ])('%s', (body, expected) => {
    expect(parseCommands(body)).toEqual([expected]);
  });

  it.each([
    ['/nhi-steward owner', 'give one owner'],
    ['/nhi-steward owner @a @b', 'give one owner'],
    ['/nhi-steward rotation soon', 'give a rotation'],
    ['/nhi-steward rotation never', 'give a rotation'],
    ['/nhi-steward exempt because until tomorrow', 'write `exempt'],
    ['/nhi-steward exempt "ok reason" until 2027-13-45', 'is not a date'],
    ['/nhi-steward frobnicate', 'unknown command `frobnicate`'],
    ['/nhi-steward rescan now', 'takes no arguments but `--history`'],
  ])('explains a malformed %s', (body, reason) => {
    const [command] = parseCommands(body);
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.reason).toContain(reason);
  });

  it('ignores commands in quotes and code fences, and plain text', () => {
    expect(parseCommands('> /nhi-steward rescan\n```\n/nhi-steward rescan\n```\nthanks!')).toEqual([]);
  });

  it('reads several commands in one comment', () => {
    expect(parseCommands('/nhi-steward owner @jdoe\n/nhi-steward rotation 30d').map((c) => c.kind)).toEqual(['owner', 'rotation']);
  });
});

describe('permissions and markers', () => {
  it.each([
    ['admin', undefined, true],
    ['write', undefined, true],
    ['read', 'triage', false],
    ['read', 'maintain', true],
    ['none', undefined, false],
  ])('%s/%s → %s', (permission, role, expected) => {
    expect(canRunCommands(permission, role)).toBe(expected);
  });

  it('finds the identity of an issue', () => {
    expect(identityOfIssue('<!-- nhi-steward:fp=x -->\n<!-- nhi-steward:id=terraform:aws_iam_access_key/ci -->\n')).toBe('terraform:aws_iam_access_key/ci');
  });
});

describe('commands follow the owners file rules', () => {
  it.each([
    ['/nhi-steward owner @TODO', 'give one owner'],
    ['/nhi-steward rotation 3m', 'give a rotation'],
    ['/nhi-steward exempt "vendor cannot rotate" until 2027-02-30', 'is not a date'],
  ])('%s is refused', (body, reason) => {
    const [command] = parseCommands(body);
    expect(command.kind === 'invalid' && command.reason).toContain(reason);
  });

  it('accepts the rotation forms the owners file accepts', () => {
    expect(parseCommands('/nhi-steward rotation 6w\n/nhi-steward rotation 3mo').map((c) => c.kind)).toEqual(['rotation', 'rotation']);
  });
});
