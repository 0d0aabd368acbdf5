import yaml from 'js-yaml';

/**
 * A js-yaml schema for CloudFormation / SAM short-form intrinsics. Each tag is accepted on a
 * scalar, a sequence and a mapping (CloudFormation allows `!If [..]`, `!Sub "..."`, `!Sub [..]`,
 * `!Transform {..}`), and builds the same long form as the template's JSON dialect, so one
 * extractor reads both. Tags not in the table (newer intrinsics, `!Rain::Embed`…) still load, as
 * `{ "Fn::<Name>": value }`, rather than failing the whole file.
 */

/** Short tag → long-form key. `Ref` and `Condition` have no `Fn::` prefix. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  Transform: 'Fn::Transform',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
  ForEach: 'Fn::ForEach',
};

const KINDS = ['scalar', 'sequence', 'mapping'] as const;

function construct(key: string, kind: (typeof KINDS)[number]) {
  return (data: unknown) => {
    // `!GetAtt Resource.Attribute` is the dotted short form of `[Resource, Attribute]`.
    if (key === 'Fn::GetAtt' && kind === 'scalar' && typeof data === 'string') {
      const dot = data.indexOf('.');
      return { [key]: dot === -1 ? [data] : [data.slice(0, dot), data.slice(dot + 1)] };
    }
    return { [key]: data ?? '' };
  };
}

const known = Object.entries(INTRINSICS).flatMap(([tag, key]) => KINDS.map((kind) => new yaml.Type(`!${tag}`, { kind, construct: construct(key, kind) })));

const unknown = KINDS.map(
  (kind) =>
    new yaml.Type('!', {
      kind,
      multi: true,
      construct: (data: unknown, tag?: string) => ({ [`Fn::${(tag ?? '!').slice(1)}`]: data ?? '' }),
    }),
);

export const CLOUDFORMATION_SCHEMA = yaml.DEFAULT_SCHEMA.extend([...known, ...unknown]);

export const INTRINSIC_TAGS = Object.keys(INTRINSICS);
