import { Command, CommanderError, Option } from 'commander';
import { reportFormats } from '../core/report/registry.js';
import { LEVELS } from '../core/types.js';
import { baselineCommand } from './baseline.js';
import { detectorsCommand } from './detectors.js';
import { ignoreCommand } from './ignore.js';
import { UsageError } from '../workspace/errors.js';
import { INVENTORY_FORMATS } from '../core/report/inventory.js';
import { inventoryCommand } from './inventory.js';
import { toolVersion, type Io } from './io.js';
import { ownersInitCommand } from './owners-init.js';
import { explainCommand, schemaCommand } from './explain.js';
import { scanCommand } from './scan.js';

/** Exit statuses (README): clean, findings at or above fail-on, usage or config error, internal error. */
export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

const configOption = () => new Option('-c, --config <file>', 'config file (default: DIR/.github/nhi-steward.yml when present)');
const gitignoreOption = () => new Option('--no-gitignore', 'also scan files that .gitignore excludes');
const historyOption = () => new Option('--history', 'scan every commit of the git history for secrets (all refs; see docs/history.md)');
const sinceOption = () => new Option('--since <ref>', 'with --history: only commits not reachable from this ref');
const branchOption = () => new Option('--branch <ref>', 'with --history: only commits reachable from this ref');

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('nhi-steward')
    .description('Finds embedded secrets and governs non-human identities (owners, rotation) in a code base.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`nhi-steward: ${text.replace(/^error: /, '')}`) });

  program
    .command('scan')
    .description('scan a folder, one file, standard input (-) or, with --history, a repository URL for embedded secrets and NHI governance gaps')
    .argument('[target]', 'folder or file to scan, - for standard input, or a repository URL (with --history)', '.')
    .option('--stdin-name <path>', 'with -: the repository path the input stands for (rules look at paths)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(reportFormats).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(configOption())
    .option('-b, --baseline <file>', 'baseline of accepted findings (default: the config baseline path when present)')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level, or "live" for a secret verified live (default: config, else error)').choices([...LEVELS, 'none', 'live']))
    .option('--verify', 'ask each found secret\'s provider whether it is live (network; docs/verification.md)')
    .option('--only-live', 'report only secrets verified live and fail on them (implies --verify)')
    .option('--diff <base>', 'only what changed since a git ref: added lines for secrets, new or changed NHIs')
    .option('--staged', 'only what is staged for commit (pre-commit): blocks on secrets; identity findings are warnings')
    .option('--strict', 'with --staged: identity and owners-file findings block the commit too')
    .addOption(historyOption())
    .addOption(sinceOption())
    .addOption(branchOption())
    .addOption(gitignoreOption())
    .option('--no-color', 'no ANSI colors in the text report')
    .option('-v, --verbose', 'full messages, and list binary and oversized files skipped')
    .option('-q, --quiet', 'print findings only (nothing when clean); no progress line')
    .action(async (target: string, flags) => setExit(await scanCommand(target, flags, io)));

  program
    .command('explain')
    .description('what a rule finds, why it matters, how to fix it, OWASP NHI ids')
    .argument('<rule>', 'rule id as printed in reports (identity/unowned, secret/github-classic-pat…)')
    .action((rule: string) => setExit(explainCommand(rule, io)));

  program
    .command('schema')
    .description('JSON Schemas of the owners file and the config (URLs and local copies; or print one)')
    .argument('[name]', 'owners or config: print that schema')
    .action((name: string | undefined) => setExit(schemaCommand(name, io)));

  program
    .command('baseline')
    .description('record current secret findings so later scans report only new ones')
    .argument('[dir]', 'folder to scan', '.')
    .option('-o, --output <file>', 'baseline file (default: DIR/.nhi-steward-baseline.json or the config baseline path)')
    .addOption(configOption())
    .addOption(historyOption())
    .addOption(sinceOption())
    .addOption(branchOption())
    .addOption(gitignoreOption())
    .action(async (dir: string, flags) => setExit(await baselineCommand(dir, flags, io)));

  program
    .command('ignore')
    .description('accept findings by fingerprint in .nhi-stewardignore, with a reason (secrets are stored as salted hashes)')
    .argument('<fingerprint...>', 'fingerprints as issues, SARIF and JSON reports show them')
    .option('-d, --dir <dir>', 'folder to scan', '.')
    .requiredOption('-r, --reason <text>', 'why the finding is accepted')
    .option('--expires <date>', 'YYYY-MM-DD: after this date the entry stops suppressing and is reported')
    .addOption(configOption())
    .addOption(gitignoreOption())
    .action(async (fingerprints: string[], flags) => setExit(await ignoreCommand(flags.dir, fingerprints, flags, io)));

  program
    .command('inventory')
    .description('list every NHI with owner, rotation, environment, purpose and users')
    .argument('[dir]', 'folder to scan', '.')
    .addOption(new Option('-f, --format <format>', 'inventory format').choices([...INVENTORY_FORMATS]).default('markdown'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addOption(configOption())
    .addOption(gitignoreOption())
    .action(async (dir: string, flags) => setExit(await inventoryCommand(dir, flags, io)));

  program
    .command('detectors')
    .description('list every secret detector: id, provider, severity, keywords')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: 'text' | 'json' }) => setExit(detectorsCommand(flags, io)));

  program
    .command('owners')
    .description('owners-file helpers')
    .command('init')
    .description('write a starter .github/nhi-owners.yml covering every NHI found')
    .argument('[dir]', 'folder to scan', '.')
    .option('-o, --output <file>', 'where to write it ("-" for stdout; default: DIR/.github/nhi-owners.yml)')
    .option('--force', 'overwrite an existing file')
    .option('--update', 'append entries for NHIs the existing file does not cover, leaving the rest of it byte for byte')
    .addOption(configOption())
    .addOption(gitignoreOption())
    .action(async (dir: string, flags) => setExit(await ownersInitCommand(dir, flags, io)));

  return program;
}

/** Runs one command line; returns the exit status and never throws. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    if (error instanceof UsageError) {
      io.stderr(`nhi-steward: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`nhi-steward: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.internal;
  }
}
