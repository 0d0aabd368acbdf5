import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HclExpression, attribute } from '../../../src/core/identities/hcl/ast.js';
import type { HclBlock } from '../../../src/core/identities/hcl/ast.js';
import { parseHcl, parseHclExpression } from '../../../src/core/identities/hcl/parser.js';
import { cpuTimed } from '../../support/cpu-time.js';

function only(src: string): HclBlock {
  const { body, errors } = parseHcl(src);
  expect(errors).toEqual([]);
  expect(body.blocks).toHaveLength(1);
  return body.blocks[0];
}

describe('HCL reader: syntax', () => {
  it('reads block types, labels, attribute names and their lines', () => {
    const block = only('\n\nresource "aws_iam_user" "ci" {\n  name = "ci-bot"\n\n  path = "/system/"\n}\n');
    expect(block).toMatchObject({ type: 'resource', labels: ['aws_iam_user', 'ci'], line: 3, column: 1, openLine: 3, closed: true });
    expect(block.attributes.map((a) => [a.name, a.line, a.column, a.value])).toEqual([
      ['name', 4, 3, 'ci-bot'],
      ['path', 6, 3, '/system/'],
    ]);
  });

  it.each([
    ['"plain"', 'plain'],
    ['"tab\\tquote\\"slash\\\\"', 'tab\tquote"slash\\'],
    ['"\\u00e9t\\U0001F600"', 'ét😀'],
    ['"literal $${not} and %%{nor}"', 'literal ${not} and %{nor}'],
    ['42', 42],
    ['-1.5e3', -1500],
    ['true', true],
    ['null', null],
    ['[1, "a", [false]]', [1, 'a', [false]]],
    ['{ a = 1, "b-c": "d" }', { a: 1, 'b-c': 'd' }],
    ['{\n  a = 1\n  b = [\n    "x",\n  ]\n}', { a: 1, b: ['x'] }],
  ])('keeps the literal %s', (expr, expected) => {
    expect(parseHclExpression(expr)).toEqual(expected);
  });

  it.each([
    'aws_iam_user.ci.name',
    '"ci-${var.env}"',
    '"%{ if var.x }a%{ else }b%{ endif }"',
    '"${lookup(var.m, "k}")}"',
    'var.x ? 1 : 0',
    'merge(local.tags, { a = 1 })',
    '[for u in var.users : u.name]',
    '{ for k, v in var.m : k => v }',
    'tls_private_key.deploy[each.key].public_key_openssh',
  ])('keeps %s as raw expression text', (expr) => {
    expect(parseHclExpression(expr)).toEqual(new HclExpression(expr));
  });

  it('keeps the literal parts of a map holding references', () => {
    expect(parseHclExpression('{ rotation = time_rotating.x.id, days = 30 }')).toEqual({ rotation: new HclExpression('time_rotating.x.id'), days: 30 });
  });

  it('reads heredocs, stripping the common indent for <<-', () => {
    const block = only('x {\n  a = <<EOF\n  keep\n    indent\nEOF\n  b = <<-EOT\n    one\n      two\n    EOT\n  c = 1\n}\n');
    expect(attribute(block, 'a')?.value).toBe('  keep\n    indent\n');
    expect(attribute(block, 'b')?.value).toBe('one\n  two\n');
    expect(attribute(block, 'c')).toMatchObject({ line: 10, value: 1 });
  });

  it('keeps a templated heredoc as raw text and does not end it at a marker inside a line', () => {
    const block = only('x {\n  a = <<-EOT\n    ${var.x} EOT\n    %{ for v in var.l }${v}%{ endfor }\n  EOT\n}\n');
    expect(attribute(block, 'a')?.value).toBeInstanceOf(HclExpression);
  });

  it('skips all three comment styles, including braces and quotes inside them', () => {
    const block = only('# a { "\n// b }\n/* c {\n  " */ x "y" { # }\n  a = 1 // }\n  /* } */ b = 2\n}\n');
    expect(block).toMatchObject({ type: 'x', labels: ['y'], line: 4 });
    expect(block.attributes.map((a) => a.name)).toEqual(['a', 'b']);
  });

  it('reads nested, dynamic and one-line blocks', () => {
    const block = only('resource "a" "b" {\n  dynamic "s" {\n    for_each = var.l\n    content { v = s.value }\n  }\n  lifecycle { ignore_changes = [tags] }\n}\n');
    expect(block.blocks.map((b) => [b.type, b.labels, b.line])).toEqual([
      ['dynamic', ['s'], 2],
      ['lifecycle', [], 6],
    ]);
    expect(block.blocks[0].blocks[0].attributes[0]).toMatchObject({ name: 'v', line: 4, raw: 's.value' });
  });

  it('does not take == or => for an attribute', () => {
    const block = only('x {\n  a = b == c\n  m = { for k, v in l : k => v }\n}\n');
    expect(block.attributes.map((a) => a.raw)).toEqual(['b == c', '{ for k, v in l : k => v }']);
  });
});

describe('HCL reader: bad input', () => {
  it('reports an unclosed block at the line of its "{" and keeps what was read before', () => {
    const { body, errors } = parseHcl('resource "a" "ok" {\n  x = 1\n}\n\nresource "a" "open" {\n  y = 2\n  nested {\n  }\n');
    expect(errors).toEqual([{ line: 5, column: 21, message: `unclosed block resource "a" "open": no '}' for the '{' on line 5` }]);
    expect(body.blocks.map((b) => [b.labels[1], b.closed])).toEqual([
      ['ok', true],
      ['open', false],
    ]);
  });

  it('resumes at the next top-level block after a missing "}"', () => {
    const { body, errors } = parseHcl('resource "a" "one" {\n  x = 1\n\nresource "a" "two" {\n  y = 2\n}\n');
    expect(errors).toEqual([{ line: 1, column: 20, message: `unclosed block resource "a" "one": no '}' for the '{' on line 1` }]);
    expect(body.blocks.map((b) => [b.labels[1], b.closed, b.attributes.map((a) => a.name)])).toEqual([
      ['one', false, ['x']],
      ['two', true, ['y']],
    ]);
  });

  it('reports an unterminated heredoc at its start', () => {
    const { errors } = parseHcl('a = 1\nresource "x" "y" {\n  policy = <<EOF\n  {"a": 1}\n');
    expect(errors).toEqual([
      { line: 2, column: 18, message: `unclosed block resource "x" "y": no '}' for the '{' on line 2` },
      { line: 3, column: 12, message: 'unterminated heredoc: no closing EOF line' },
    ]);
  });

  it('reports an unterminated string and reads the next line', () => {
    const { body, errors } = parseHcl('x {\n  a = "open\n  b = 2\n}\n');
    expect(errors).toEqual([{ line: 2, column: 7, message: 'unterminated string' }]);
    expect(body.blocks[0].attributes.map((a) => [a.name, a.line])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
    expect(body.blocks[0].closed).toBe(true);
  });

  it('reports a stray "}" and an unexpected token, and reads on', () => {
    const { body, errors } = parseHcl('}\n@ x\nok { a = 1 }\n');
    expect(errors).toEqual([
      { line: 1, column: 1, message: "unexpected '}' with no open block" },
      { line: 2, column: 1, message: 'expected an attribute or block, found invalid character "@"' },
    ]);
    expect(body.blocks.map((b) => b.type)).toEqual(['ok']);
  });

  it('stops after 20 errors on binary-ish junk, without throwing', () => {
    const junk = Array.from({ length: 4000 }, (_, i) => String.fromCharCode(1 + ((i * 7919) % 250))).join('');
    const { errors } = parseHcl(junk);
    expect(errors.length).toBeLessThanOrEqual(20);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.line >= 1 && e.column >= 1)).toBe(true);
  });

  it('reports nesting beyond 64 levels instead of overflowing the stack', () => {
    const deep = `a = ${'['.repeat(100_000)}\nb { c = 1 }\n`;
    const { body, errors } = parseHcl(deep);
    expect(errors[0]).toMatchObject({ line: 1, message: 'expression nested too deeply' });
    expect(body.blocks.map((b) => b.type)).toEqual(['b']);
    const blocks = parseHcl('x {\n'.repeat(200));
    expect(blocks.errors.at(-1)).toMatchObject({ message: 'blocks nested too deeply', line: 65 });
  });

  it('gives up on templates nested past 32 levels instead of recursing', () => {
    const { errors } = parseHcl(`a = "${'${"'.repeat(50_000)}\nb = 1\n`);
    expect(errors).toEqual([{ line: 1, column: 5, message: 'unterminated template interpolation in string' }]);
  });

  it('reads 1 MB of resources in bounded time', () => {
    const one = 'resource "aws_iam_user" "u%d" {\n  name = "user-%d"\n  tags = { team = "t" } # c\n  policy = <<-EOF\n    {"a": "${var.x}"}\n  EOF\n}\n';
    let src = '';
    for (let i = 0; src.length < 1024 * 1024; i++) src += one.replaceAll('%d', String(i));
    const {
      value: { body, errors },
      ms,
    } = cpuTimed(() => parseHcl(src));
    expect(errors).toEqual([]);
    expect(body.blocks.length).toBeGreaterThan(7000);
    expect(ms).toBeLessThan(3000);
  });

  it('never throws and always ends, whatever the input', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', '(', ')', '"', '\\', '$', '%', '<<EOF\n', '<<-X\n', 'EOF', '\n', ' ', '#', '//', '/*', '*/', '=', 'a', 'resource', '"l"', '1', '\u0001', '€');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (parts) => {
        const { errors } = parseHcl(parts.join(''));
        expect(errors.length).toBeLessThanOrEqual(20);
      }),
      { numRuns: 500 },
    );
  });
});

describe('HCL reader: line endings and encodings', () => {
  it('reads CRLF files and a byte-order mark, with the same lines', () => {
    const src = '\ufeffresource "a" "b" {\r\n  x = "y"\r\n  p = <<-EOF\r\n    z\r\n  EOF\r\n}\r\n';
    const block = only(src);
    expect(block.attributes.map((a) => [a.name, a.line, a.value])).toEqual([
      ['x', 2, 'y'],
      ['p', 3, 'z\n'],
    ]);
  });

  it('takes letters beyond ASCII in identifiers and keeps them in strings', () => {
    const block = only('locals {\n  café = "naïve ✓"\n}\n');
    expect(block.attributes[0]).toMatchObject({ name: 'café', value: 'naïve ✓' });
  });
});
