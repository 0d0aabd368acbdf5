/**
 * Hand mutations that once survived the suite (docs/testing.md, "Mutations the suite kills"):
 * each is applied to the source, the tests named for it are run, and at least one must fail;
 * the source is restored afterwards whatever happens. Run: `npx tsx scripts/mutations.ts [id...]`.
 * Slow (it runs vitest once per mutation); not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Mutation {
  id: string;
  what: string;
  file: string;
  from: string;
  to: string;
  tests: string[];
  /** vitest -t filter, to run only the tests that matter in a slow file. */
  filter?: string;
}

export const MUTATIONS: Mutation[] = [
  { id: 'fork-read-only', what: 'fork PRs are checked read-only', file: 'src/app/index.ts', from: 'readOnly: fromFork,', to: 'readOnly: false,', tests: ['test/integration/app/fork-read-only.test.ts'] },
  { id: 'author-not-reviewer', what: 'the PR author is never asked to review', file: 'src/github/review-requests.ts', from: 'if (handle.toLowerCase() !== author?.toLowerCase()) reviewers.add(handle);', to: 'reviewers.add(handle);', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'author-case', what: 'author compare is case-insensitive', file: 'src/github/review-requests.ts', from: 'if (handle.toLowerCase() !== author?.toLowerCase())', to: 'if (handle !== author)', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'team-org', what: "team reviewers only from the PR's org", file: 'src/github/review-requests.ts', from: '} else if (handle.slice(0, slash).toLowerCase() === org.toLowerCase()) {', to: '} else if (handle.length > 0) {', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'allow-later-line', what: 'an allow marker on a later line of a multi-line secret', file: 'src/core/secrets/engine.ts', from: 'for (let line = part.line; line <= last; line++)', to: 'for (let line = part.line; line <= part.line; line++)', tests: ['test/unit/secrets/allow-multiline.test.ts', 'test/unit/secrets/engine.test.ts'] },
  { id: 'owners-last-match', what: 'last match wins in owners-file edits', file: 'src/core/policy/owners-edit.ts', from: 'if (entryMatches(fields, record)) winner = { map: item, fields };', to: 'if (entryMatches(fields, record)) winner ??= { map: item, fields };', tests: ['test/unit/policy/owners-edit-winner.test.ts', 'test/unit/policy/owners-edit.test.ts'] },
  { id: 'owners-valid-only', what: 'owners-file edits pick only valid entries', file: 'src/core/policy/owners-edit.ts', from: 'if (!isMap(item) || !valid.has(index)) continue;', to: 'if (!isMap(item) || index < 0) continue;', tests: ['test/unit/policy/owners-edit-winner.test.ts', 'test/unit/policy/owners-edit.test.ts'] },
  { id: 'never-close-closed', what: 'never close an already-closed issue', file: 'src/github/issue-sync.ts', from: "if (have.state === 'open' && !wanted.has(have.fingerprint) && inScope(have)) {", to: 'if (!wanted.has(have.fingerprint) && inScope(have)) {', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'body-normalise', what: 'body comparison normalises CRLF/whitespace', file: 'src/github/issue-sync.ts', from: "return body.replace(/\\r\\n/g, '\\n').trim();", to: 'return body;', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'pair-distance-after', what: 'pair-distance boundary (second half after the first)', file: 'src/core/secrets/pairing.ts', from: 'seconds[i].line <= first.line + within', to: 'seconds[i].line < first.line + within', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'pair-distance-before', what: 'pair-distance boundary (second half before the first)', file: 'src/core/secrets/pairing.ts', from: 'if (seconds[mid].line < first.line - within) lo = mid + 1;', to: 'if (seconds[mid].line <= first.line - within) lo = mid + 1;', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'summary-limit-boundary', what: 'summary-limit boundary (<= vs <)', file: 'src/core/report/limits.ts', from: 'if (byteLength(text) <= limit) return text;', to: 'if (byteLength(text) < limit) return text;', tests: ['test/unit/github/mutation-killers.test.ts'] },
  { id: 'summary-limit-bytes', what: 'summary limit counts bytes, not characters', file: 'src/core/report/limits.ts', from: 'if (byteLength(text) <= limit) return text;', to: 'if (text.length <= limit) return text;', tests: ['test/unit/github/mutation-killers.test.ts', 'test/integration/reliability/check-run-limits.test.ts'] },
  { id: 'replica-check-lock', what: 'one check run per head across App replicas', file: 'src/github/pull-request-job.ts', from: '}, { lock: job.checkLock });', to: '}, {});', tests: ['test/integration/reliability/replicas.test.ts'] },
  { id: 'ratelimit-reset-wait', what: 'x-ratelimit-reset: give up when the reset is further than the wait allowed', file: 'src/github/octokit.ts', from: 'retryCount < reliability.retries && retryAfter <= reliability.maxRateLimitWaitSeconds', to: 'retryCount < reliability.retries', tests: ['test/unit/github/octokit-adapter.test.ts'] },
  { id: 'pieces-ownership', what: 'an over-size file read in pieces reports each finding once', file: 'src/core/secrets/pieces.ts', from: 'if (compare(placed, this.at) < 0 || (ownEnd', to: 'if ((ownEnd', tests: ['test/unit/secrets/pieces.test.ts'] },
  { id: 'pieces-back-context', what: 'each piece is read with the text before it', file: 'src/core/secrets/pieces.ts', from: 'const winFrom = ownFrom === 0 ? 0 : this.windowStart(ownFrom);', to: 'const winFrom = ownFrom;', tests: ['test/unit/secrets/pieces.test.ts'] },
  { id: 'pieces-columns', what: "a piece's findings carry the whole file's columns", file: 'src/core/secrets/pieces.ts', from: 'column: f.line === 1 ? start.units + f.column : f.column', to: 'column: f.column', tests: ['test/unit/secrets/pieces.test.ts'] },
  { id: 'pieces-char-start', what: 'a piece never starts inside a UTF-8 character', file: 'src/core/secrets/pieces.ts', from: 'const keepFrom = this.charStart(Math.max(base, ownTo - back));', to: 'const keepFrom = Math.max(base, ownTo - back);', tests: ['test/unit/secrets/pieces.test.ts'] },
  { id: 'patch-sink-replay', what: "an over-size patch hands on the lines read before it passed the limit", file: 'src/core/diff/unified.ts', from: "if (this.sink) for (const l of h.lines) if (l.newLine !== undefined) this.sink.line(l.newLine, l.text, l.kind === 'add');", to: '', tests: ['test/integration/security/oversized.test.ts'], filter: 'commit' },
  { id: 'tarball-pieces', what: "the App's full scan reads a tarball entry over max-file-size in pieces", file: 'src/github/full-scan.ts', from: '{ maxFileSize: settings.maxFileSize, maxTotalBytes, pieces, standIns: true }', to: '{ maxFileSize: settings.maxFileSize, maxTotalBytes, standIns: true }', tests: ['test/integration/security/oversized.test.ts'], filter: 'full scan' },
  { id: 'pr-stream-base', what: "a streamed over-size file blames the PR only for secrets its base does not hold", file: 'src/github/pr-check.ts', from: 'found = head.filter((f) => !held.has(secretKey(f)));', to: 'found = head;', tests: ['test/integration/security/oversized.test.ts'], filter: 'streams one' },
  { id: 'control-name-skip', what: 'a file whose name holds control characters is scanned', file: 'src/core/scan.ts', from: 'if (isIgnored(item.path, settings)) return undefined;', to: 'if (isIgnored(item.path, settings) || /[\\u0001-\\u001f]/.test(item.path)) return undefined;', tests: ['test/integration/security/control-names.test.ts'] },
  { id: 'allow-notice', what: 'a secret silenced by a marker the change adds is a notice', file: 'src/core/secrets/engine.ts', from: 'return file.addedLines ? ALLOWED : SKIP;', to: 'return SKIP;', tests: ['test/unit/secrets/allow-notice.test.ts'] },
  { id: 'history-pieces', what: 'a history blob over max-file-size is read in pieces as git streams it', file: 'src/workspace/history.ts', from: '      pieces.push(bytes);', to: '', tests: ['test/integration/history-bad-input.test.ts'], filter: 'several MB' },
  { id: 'history-pieces-known-size', what: 'a history blob whose size is known over the limit is still asked for, to be read in pieces', file: 'src/workspace/history.ts', from: 'if (size === undefined || readsInPieces(tag.path, size)) wanted.push', to: 'if (size === undefined) wanted.push', tests: ['test/integration/history-bad-input.test.ts'], filter: 'only a tag' },
  { id: 'history-pieces-binary-name', what: 'a history blob over the limit named like an archive is not read', file: 'src/workspace/history.ts', from: 'return size <= MAX_STREAMED_BYTES && !KNOWN_BINARY_NAME.test(path);', to: 'return size <= MAX_STREAMED_BYTES;', tests: ['test/integration/history-bad-input.test.ts'], filter: 'several MB' },
  { id: 'history-pieces-baselined', what: 'a history blob read in pieces names the secrets a salted baseline accepted', file: 'src/workspace/history.ts', from: '...(baselined.length > 0 ? { baselined } : {}), readInPieces', to: 'readInPieces', tests: ['test/integration/history-baseline.test.ts'], filter: 'read in pieces' },
  { id: 'pr-unlisted-commits', what: "a one-commit PR past GitHub's 3,000-file list has its commit read from git", file: 'src/github/pull-request-job.ts', from: 'return (count ?? 0) > 1 || (!!count && (changedFiles ?? 0) > MAX_PULL_FILES);', to: 'return (count ?? 0) > 1;', tests: ['test/integration/app/history.test.ts'], filter: '3,000 files' },
  { id: 'commit-secret-at-head', what: 'a commit secret still at the head is reported there, not as removed', file: 'src/github/pr-commits.ts', from: 'return there ? { ...there, commit: f.commit, presentAtHead: true } : { ...f, presentAtHead: false };', to: 'return { ...f, presentAtHead: false };', tests: ['test/integration/app/history.test.ts'], filter: '3,000 files' },
  { id: 'head-unreadable', what: "when git cannot list the head's files, the commits' findings stand, read from git", file: 'src/github/pr-commits.ts', from: 'const atHead = await secretsAtHead(dir, range.head, found, settings, range.base).catch(() => new Map<string, Finding>());', to: 'const atHead = await secretsAtHead(dir, range.head, found, settings, range.base);', tests: ['test/integration/app/history.test.ts'], filter: 'cannot say what the head' },
  { id: 'head-moved-secrets', what: "a range secret not in its own file at the head is looked for in the files the range changed (a renamed file, a moved value)", file: 'src/workspace/commits.ts', from: 'if (base === undefined || secrets.every((f) => atHead.has(sameSecret(f)))) return atHead;', to: 'return atHead;', tests: ['test/integration/commits-at-head.test.ts'] },
  { id: 'head-files-chunked', what: "every file holding a range secret is read at the head, the ls-tree calls split by length", file: 'src/workspace/commits.ts', from: "...files.slice(from, to)]);", to: "...files.slice(from, to)]);\n    to = files.length;", tests: ['test/integration/commits-at-head.test.ts'] },
  { id: 'history-notes', what: 'a secret in a git note is named as a note on its commit, in its notes ref', file: 'src/workspace/history.ts', from: 'historyNote(merged, total, noteOf(hit, notes))', to: 'historyNote(merged, total, undefined)', tests: ['test/integration/history.test.ts'], filter: 'git notes' },
  { id: 'history-notes-fanout', what: "a note in a fanned-out notes tree (`ab/cdef…`) is named as a note", file: 'src/workspace/history.ts', from: '/^(?:[0-9a-f]{2}\\/)*[0-9a-f]+$/.test(path)', to: '/^[0-9a-f]+$/.test(path)', tests: ['test/integration/history.test.ts'], filter: 'fanned-out' },
  { id: 'history-partial', what: 'in a partial clone the walk asks git only for the blobs present, and counts the rest in one skip', file: 'src/workspace/history.ts', from: 'const oversizedAsked = objectSizes(dir, settings.maxFileSize, partial)', to: 'const oversizedAsked = objectSizes(dir, settings.maxFileSize, false)', tests: ['test/integration/history-bad-input.test.ts'], filter: 'partial clone' },
  { id: 'history-stash-entries', what: 'every stash entry is scanned, not only the newest', file: 'src/workspace/history.ts', from: 'const stashWalked = branch ? [] : stashes.slice(0, MAX_STASHES);', to: 'const stashWalked = branch ? [] : stashes.slice(0, 1);', tests: ['test/integration/history.test.ts'], filter: 'stash' },
  { id: 'history-stash-named', what: 'a secret a stash entry brought in is named as its stash@{n}', file: 'src/workspace/history.ts', from: 'stash !== undefined ? stashNote(', to: 'false ? stashNote(', tests: ['test/integration/history.test.ts'], filter: 'stash' },
  { id: 'history-stash-missing', what: "a stash entry whose commit is missing does not stop the walk", file: 'src/workspace/history.ts', from: "return ['log', '--ignore-missing', ...revisions,", to: "return ['log', ...revisions,", tests: ['test/integration/history.test.ts'], filter: 'stash' },
  { id: 'wording-own-value', what: "a finding's remembered wording is used only for its own value and weakness", file: 'src/core/secrets/engine.ts', from: 'if (known !== undefined && known.weak === c.weak) return known;', to: 'if (known !== undefined) return known;', tests: ['test/unit/secrets/known-forms.test.ts'] },
  { id: 'verdict-line-shared', what: "a history version takes over the last one's verdict only for a match whose judged line lies in the text the two share", file: 'src/core/secrets/candidates.ts', from: 'const lineShared = (startsBoth || matchStart - LINE_RADIUS > start) && (endsBoth || matchEnd + LINE_RADIUS <= end);', to: 'const lineShared = true;', tests: ['test/unit/secrets/versions.test.ts'], filter: 'verdicts taken over' },
  { id: 'segment-slice-start', what: 'a window is taken over from a shared run only if its slice starts after the run starts', file: 'src/core/secrets/candidates.ts', from: 'if ((startsBoth || from - CONTEXT > start) && (endsBoth || to + CONTEXT < end)) {', to: 'if ((startsBoth || from > start) && (endsBoth || to + CONTEXT < end)) {', tests: ['test/unit/secrets/versions.test.ts'], filter: 'window logs' },
  { id: 'segment-read-end', what: "a window is taken over from a shared run only if the last version's read (re-runs included) ended inside the run", file: 'src/core/secrets/candidates.ts', from: '(endsBoth || before[j + 2] + by < end)', to: '(endsBoth || before[j + 1] + by < end)', tests: ['test/unit/secrets/versions.test.ts'], filter: 'window logs' },
  { id: 'segment-hit-context', what: "a keyword hit is taken over from a shared run only when the run holds the keyword's whole reach before it", file: 'src/core/secrets/prefilter.ts', from: 'first = start === 0 && segments[k + 1] === 0 ? 1 : start + longest;', to: 'first = start === 0 ? 1 : start + 1;', tests: ['test/unit/secrets/versions.test.ts'], filter: 'scanAgainst' },
  { id: 'segment-middle-runs', what: 'the runs between the changes of a version are taken over, not only its common start and end', file: 'src/core/secrets/versions.ts', from: '    out.push(p - back, found - back, run + back);', to: '', tests: ['test/unit/secrets/versions.test.ts'], filter: 'several places' },
  { id: 'segment-back-bound', what: 'a shared run found after a change is extended backwards no further than the run before it', file: 'src/core/secrets/versions.ts', from: 'found - back > i && p - back > last &&', to: 'found - back > 0 && p - back > 0 &&', tests: ['test/unit/secrets/versions.test.ts'], filter: 'shared' },
  { id: 'lines-shared-copy', what: "a history version's line index copies the last version's line starts only up to the end of the run the two share", file: 'src/core/secrets/lines.ts', from: 'if (moved > end) break;', to: 'if (moved >= end) break;', tests: ['test/unit/secrets/lines.test.ts', 'test/unit/secrets/versions.test.ts'], filter: 'last version' },
  { id: 'lines-jump-past', what: 'a line index that jumps to or past a shared run keeps collecting until it holds a line start beyond the offset asked about', file: 'src/core/secrets/lines.ts', from: 'while (this.starts[this.count - 1] <= offset && this.scanned <= text.length) {', to: 'while (this.scanned <= offset && this.scanned <= text.length) {', tests: ['test/unit/secrets/lines.test.ts'], filter: 'last version' },
  { id: 'requests-back', what: "a hit's planning is taken over only when the shared run holds everything planning reads before it (BACK and the keyword)", file: 'src/core/secrets/candidates.ts', from: 'Math.max(0, ...catalog.keywordLengths) + Math.max(BACK + 1, name)', to: 'Math.max(0, ...catalog.keywordLengths) + 1', tests: ['test/unit/secrets/versions.test.ts'], filter: 'whatever the edits' },
  { id: 'requests-ahead', what: "a hit's planning is taken over only when the shared run holds everything planning reads after it (FORWARD, leads, trails, companions)", file: 'src/core/secrets/candidates.ts', from: '  let ahead = FORWARD;', to: '  let ahead = 64;', tests: ['test/unit/secrets/versions.test.ts'], filter: 'whatever the edits' },
  { id: 'requests-block-end', what: "a hit's planning is taken over only where a block window cannot reach a different end of text", file: 'src/core/secrets/candidates.ts', from: ' Math.min(n, beforeLength + by) - BLOCK_REACH) + 1;', to: ' Math.min(n, beforeLength + by)) + 1;', tests: ['test/unit/secrets/versions.test.ts'], filter: 'whatever the edits' },
  { id: 'requests-bounds', what: 'the requests taken over are those of exactly the hits planning skips', file: 'src/core/secrets/candidates.ts', from: 'i < before.length && before[i + 1] < to; i += 4) {\n    const d = before[i];', to: 'i < before.length && before[i + 1] <= to; i += 4) {\n    const d = before[i];', tests: ['test/unit/secrets/versions.test.ts'], filter: 'exactly the hits' },
  { id: 'anchors-shifted', what: "the anchors taken over from the last version are moved with their shared run", file: 'src/core/secrets/candidates.ts', from: 'addAnchor(anchors, before[i], before[i + 2] + by);', to: 'addAnchor(anchors, before[i], before[i + 2]);', tests: ['test/unit/secrets/versions.test.ts'], filter: 'whatever the edits' },
  { id: 'contexts-run', what: "a history version takes over a line's location context only when one shared run holds the whole line", file: 'src/core/secrets/engine.ts', from: '    if (runStart > start || runStart + segments[lo * 3 + 2] < end) return undefined;', to: '    if (runStart > start) return undefined;', tests: ['test/unit/secrets/line-contexts.test.ts'] },
  { id: 'contexts-cuts', what: "…and only when the line is cut at the same places as in the last version", file: 'src/core/secrets/engine.ts', from: 'for (let i = 0; i < cuts.length; i++) if (kept.cuts[2 * i] !== cuts[i].start - start', to: 'for (let i = 0; i < 0; i++) if (kept.cuts[2 * i] !== cuts[i].start - start', tests: ['test/unit/secrets/line-contexts.test.ts'] },
  { id: 'contexts-placeholder', what: "…and never for a stand-in line holding a placeholder", file: 'src/core/secrets/engine.ts', from: '    if (this.file.standIn !== undefined && PLACEHOLDER.test(this.file.content.slice(start, end))) return undefined;', to: '', tests: ['test/unit/secrets/line-contexts.test.ts'] },
  { id: 'wording-id-key', what: "a value's keyed fingerprint remembered with its wording is used only for the key it was made with", file: 'src/core/secrets/engine.ts', from: '  if (wording.idKey !== key) {', to: '  if (wording.id === undefined) {', tests: ['test/unit/secrets/known-forms.test.ts'], filter: 'under the key' },
  { id: 'verdict-on-text', what: 'a verdict reached on the real text of a stand-in is never taken over by the next version', file: 'src/core/secrets/engine.ts', from: 'if (onText && judged !== undefined && match.slot !== undefined) judged[match.slot] = verdict;', to: 'if (judged !== undefined && match.slot !== undefined) judged[match.slot] = verdict;', tests: ['test/unit/secrets/versions.test.ts'], filter: 'verdicts taken over' },
  { id: 'promisor-remote', what: '.promisor packs without a promisor remote are no partial clone: a blob missing there is named as missing', file: 'src/workspace/history.ts', from: 'const partial = promisorPacks && (await hasPromisorRemote(dir));', to: 'const partial = promisorPacks;', tests: ['test/integration/history-bad-input.test.ts'], filter: 'promisor' },
  { id: 'blob-reader-promisor', what: 'a blob a partial clone has not fetched is named at once, not retried nor counted as a failure', file: 'src/workspace/git-objects.ts', from: 'notFetched = PROMISOR_MISSING.exec(this.watcher.allStderr())?.[1] === culprit.oid;', to: 'notFetched = false;', tests: ['test/integration/git-objects.test.ts'], filter: 'partial clone' },
  { id: 'commit-range-partial', what: "a pull request's or push's commits in a partial clone are read with git fetching the blobs they changed", file: 'src/workspace/commits.ts', from: 'if (failure && !fetching && LAZY_FETCH_REFUSED.test(failure)) {', to: 'if (failure && !fetching && false) {', tests: ['test/integration/commit-range-binary.test.ts'], filter: 'partial clone' },
  { id: 'api-commit-file-pages', what: "without git, a commit's files past the API's first page are read", file: 'src/github/pr-commits.ts', from: `    if (!/rel="next"/.test(String(headers.link ?? ''))) break;`, to: '    break;', tests: ['test/integration/app/history.test.ts'], filter: 'page by page' },
  { id: 'left-out-pieces', what: "the App's full scan streams a left-out file over max-file-size and reads it in pieces", file: 'src/github/full-scan.ts', from: 'const secrets = entry.size <= MAX_STREAMED_BYTES ? await', to: 'const secrets = entry.size < 0 ? await', tests: ['test/integration/app/export-ignore.test.ts'], filter: 'streamed' },
  { id: 'pr-stream-reveal', what: "a secret in a file the PR check streams goes to live verification", file: 'src/github/pr-check.ts', from: 'pull.headSha, scanned, revealSecrets));', to: 'pull.headSha, scanned));', tests: ['test/integration/app/verify.test.ts'], filter: 'streamed' },
  { id: 'pr-infra-over-limit', what: 'the PR check reads an infrastructure file over max-file-size from its patch, for secrets only', file: 'src/github/pr-check.ts', from: '} else if (task.overLimit || view!.sparseContent.length > settings.maxFileSize) {', to: '} else if (view!.sparseContent.length > settings.maxFileSize) {', tests: ['test/integration/security/oversized.test.ts'], filter: 'infrastructure' },
  { id: 'stand-in-value', what: 'a candidate whose value or line holds a placeholder is judged on the real text', file: 'src/core/secrets/engine.ts', from: 'if (file.standIn !== undefined && (PLACEHOLDER.test(line) || PLACEHOLDER.test(secret))) {', to: 'if (false) {', tests: ['test/unit/stand-in.test.ts'], filter: 'real text' },
  { id: 'stand-in-found', what: 'a stand-in file with a secret is reported from its real text', file: 'src/core/secrets/engine.ts', from: 'const text: TextSlices = file.standIn === undefined ? file.content : (real ??= new RealText(file.standIn, lines));', to: 'const text: TextSlices = file.content;', tests: ['test/unit/stand-in.test.ts'], filter: 'location fingerprint' },
  { id: 'stand-in-catalog', what: 'a catalog with a non-ASCII pattern reads real texts', file: 'src/core/secrets/compile.ts', from: 'standInSafe: keywords.every(', to: 'standInSafe: true || keywords.every(', tests: ['test/unit/stand-in.test.ts'], filter: 'custom detector' },
  { id: 'stand-in-extractors', what: "extractors and whole-tree steps get a stand-in file's real text (tree scan and the App's full scan)", file: 'src/core/scan.ts', from: 'return read ? exactSourceFile(file) : file;', to: 'return file;', tests: ['test/unit/stand-in.test.ts', 'test/integration/app/non-ascii.test.ts'] },
  { id: 'stand-in-pool', what: "a stand-in sent to the secrets pool's worker carries its real text", file: 'src/core/parallel/pool.ts', from: 'const file = exactSourceFile(added);', to: 'const file = added;', tests: ['test/unit/stand-in.test.ts'], filter: 'worker' },
];

interface Outcome {
  id: string;
  killed: boolean;
  failing: string[];
}

function run(m: Mutation): Outcome {
  const original = readFileSync(m.file, 'utf8');
  const count = original.split(m.from).length - 1;
  if (count !== 1) throw new Error(`${m.id}: expected the text once in ${m.file}, found ${count} times: ${m.from}`);
  const dir = mkdtempSync(join(tmpdir(), 'mutation-'));
  const report = join(dir, 'report.json');
  writeFileSync(m.file, original.replace(m.from, m.to));
  try {
    const args = ['vitest', 'run', ...m.tests, '--reporter=json', `--outputFile=${report}`, ...(m.filter ? ['-t', m.filter] : [])];
    spawnSync('npx', args, { stdio: 'ignore', env: { ...process.env, CI: '1' } });
    const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string }> }> };
    const failing = json.testResults.flatMap((file) => file.assertionResults.filter((a) => a.status === 'failed').map((a) => `${file.name.replace(`${process.cwd()}/`, '')} > ${a.fullName}`));
    return { id: m.id, killed: failing.length > 0, failing };
  } finally {
    writeFileSync(m.file, original);
    rmSync(dir, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
let survived = 0;
for (const m of MUTATIONS.filter((x) => wanted.length === 0 || wanted.includes(x.id))) {
  const outcome = run(m);
  if (!outcome.killed) survived++;
  console.log(`${outcome.killed ? 'KILLED  ' : 'SURVIVED'} ${m.id} (${m.what})`);
  for (const name of outcome.failing) console.log(`         ${name}`);
}
process.exitCode = survived > 0 ? 1 : 0;
