// An esbuild plugin for the shipped bundles (scripts/build-cli.mjs, scripts/build-action.mjs):
// the detector catalog's evidence stays out of them. Every detector carries `samples` (lines it
// must find, with the secret, and near-misses: src/core/secrets/detector.ts), which the tests read
// from the sources. They are realistic tokens (written out for ~300 of the ~830 detectors), and nothing at run time reads them.
// Bundled, each copy of the catalog made every bundle a file of 500+ findings for any secret scanner
// (ours, GitHub's push protection), and every committed version of dist/ another 1,500 for a
// history scan of this repository (docs/architecture.md, "The shipped bundles carry no samples").
//
// So in src/core/secrets/detectors/, the value of every property named `samples` becomes empty
// evidence, found with TypeScript's own parser (a devDependency: the bundles are built in a
// checkout). Data that only a `samples` value read (a table of sample tokens) is then unused, and
// the bundler leaves it out. test/integration/bundle-samples.test.ts checks the built bundles:
// no sample secret in them, and no finding when nhi-steward scans them.
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

const DETECTOR_MODULE = /[\\/]src[\\/]core[\\/]secrets[\\/]detectors[\\/][^\\/]+\.ts$/;
const EMPTY = '{ positive: [], negative: [] }';

/** `source` with the value of each `samples` property (written out or shorthand) made EMPTY. */
export function dropSamples(source, fileName = 'detectors.ts') {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cuts = []; // [start, end, replacement], in source order
  const visit = (node) => {
    if (ts.isPropertyAssignment(node) && propertyName(node.name) === 'samples') {
      cuts.push([node.initializer.getStart(file), node.initializer.getEnd(), EMPTY]);
      return; // nothing inside is kept
    }
    if (ts.isShorthandPropertyAssignment(node) && node.name.text === 'samples') {
      cuts.push([node.getStart(file), node.getEnd(), `samples: ${EMPTY}`]);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = '';
  let from = 0;
  for (const [start, end, replacement] of cuts) {
    out += source.slice(from, start) + replacement;
    from = end;
  }
  return { code: out + source.slice(from), dropped: cuts.length };
}

function propertyName(name) {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

export const dropSamplesPlugin = {
  name: 'nhi-drop-samples',
  setup(build) {
    build.onLoad({ filter: DETECTOR_MODULE }, async (args) => ({ contents: dropSamples(await readFile(args.path, 'utf8'), args.path).code, loader: 'ts' }));
  },
};
