import type { Detector } from './detector.js';
import { isNearPattern } from './detectors/shapes.js';
import { isIdentifierLike } from './identifiers.js';
import { codePointEntropy, entropyDistinct } from './entropy.js';

export interface Candidate {
  detector: Detector;
  /** The captured secret. */
  secret: string;
  /** The whole line the secret sits on. */
  line: string;
  path: string;
}

/**
 * Detectors outside `generic-*` whose captured value is chosen by a human (a password in a URL, in
 * `.netrc`, in a Kubernetes `stringData`), so the free-form filters (weak words, identifiers,
 * paths, low entropy) apply to them as to generic matches. Provider tokens never get those filters:
 * a real `ghp_…` can look like anything.
 */
export const FREE_FORM_DETECTORS: ReadonlySet<string> = new Set([
  'url-password',
  'basic-auth-url',
  'postgres-url-password',
  'mysql-url-password',
  'mongodb-url-password',
  'redis-url-password',
  'amqp-url-password',
  'database-url-password',
  'ftp-url-password',
  'smtp-url-password',
  'ldap-url-password',
  'netrc-inline-password',
  'netrc-password',
  'pypirc-password',
  'git-credentials-password',
  'pgpass-password',
  'kubernetes-secret-string-data',
  'jdbc-connection-password',
  'adonet-connection-password',
  'config-password-quoted',
]);

/** True for detectors that match a value by the name it is assigned to, not by its shape. */
export function isGenericDetector(detector: Pick<Detector, 'id'>): boolean {
  return detector.id.startsWith('generic-');
}

function isFreeForm(detector: Pick<Detector, 'id'>): boolean {
  return isGenericDetector(detector) || FREE_FORM_DETECTORS.has(detector.id);
}

/**
 * Keys that providers publish in their own documentation. They appear in READMEs, tests and
 * tutorials everywhere and are never live.
 */
export const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  // AWS IAM user guide
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  // Stripe API reference (test mode)
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  // jwt.io debugger default token
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  // Kubernetes "Secrets" concept page (base64 of `admin` and `1f2d1e2e67df`)
  'YWRtaW4=',
  'MWYyZDFlMmU2N2Rm',
  // Slack API docs
  'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  // Twilio docs placeholders
  'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
  // OAuth 1.0 / 2.0 RFC examples (RFC 5849, RFC 6749, RFC 6750), copied into every OAuth library
  'czZCaGRSa3F0MzpnWDFmQmF0M2JW',
  'gX1fBat3bV',
  '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA',
  'mF_9.B5f-4.1JqM',
  'h480djs93hd8',
  'ad180jjd733klru7',
  'SplxlOBeZQQYbYS6WxSbIA',
  'hh5s93j4hdidpola',
  'hdk48Djdsa',
  'kd94hf93k423kf44',
  'pfkkdhi9sl3r4s00',
  'nnch734d00sl2jdk',
  // PyJWT README
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg',
  // Telegram Bot API docs
  '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11',
  // Mailgun docs
  'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
  // Firebase SDKs' tests and samples (firebase-android-sdk, firebase-js-sdk: API key format checks,
  // FirebaseOptions fixtures), copied with the SDKs into many repositories; Firebase web API keys are
  // public identifiers by design.
  'AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs', 'AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM',
  'AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU', 'AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0',
  'AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A', 'AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c',
  'AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4', 'AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY',
  'AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM', 'AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ',
  'AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g', 'AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU',
  'AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw', 'AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE',
  'AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY',
  // SendGrid / generic docs
  'SG.xxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
]);

// ---------------------------------------------------------------------------------------------
// Value shapes
// ---------------------------------------------------------------------------------------------

/** Templating and interpolation of every common flavour: the value is filled in elsewhere. */
const TEMPLATE = /^![A-Za-z]\w*|\$\{|\{\{|\}\}|\$\(|<%|%>|\{%|%\}|#\{|%\(\w+\)[sd]|^%[sdv]$|^\{\w*\}$|^__[A-Z0-9_]+__$|^@[\w.-]+@$|^%[A-Za-z_][\w]*%$|^\$[A-Za-z_{(]/;

/** Words that only appear in stand-ins, checked on every detector (long enough to never occur by chance in a random token). */
const PLACEHOLDER_ANY = /example|very[_-]?long[_-]?(?:secret|key|token|pass)|x{5,}|changeme|change[_-]me|replace[_-]?me|replace[_-]?with|your[_-]|yourkey|yourtoken|yoursecret|yourpassword|dummy|redacted|placeholder|\*{3,}|\.\.\.|…|•{3,}|<[^>]*>|^\[.*\]$|^0{8,}$/i;

const PLACEHOLDER_SCAN = new RegExp(PLACEHOLDER_ANY.source, 'gi');

/**
 * A stand-in word written as people write it: lower case, upper case or camel humps (`dummy`,
 * `DUMMY`, `changeMe`). The same letters in noisy mixed case (`DuMMY` inside
 * `…ieaDuMMY2H…`) are chance in a random token, not a placeholder: a real key that happens to
 * contain them must still be reported.
 */
export function hasPlaceholderWord(value: string): boolean {
  PLACEHOLDER_SCAN.lastIndex = 0;
  for (let m = PLACEHOLDER_SCAN.exec(value); m !== null; m = PLACEHOLDER_SCAN.exec(value)) {
    // Structural stand-ins (`<…>`, `[…]`, `***`, `...`, zeros) count whatever their case.
    if (/[^A-Za-z_-]/.test(m[0]) || m[0].length === 0) return true;
    const letters = m[0].replace(/[^A-Za-z]/g, '');
    if (letters === letters.toLowerCase() || letters === letters.toUpperCase() || /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(letters)) return true;
  }
  return false;
}

/** Whole values that are stand-ins or defaults: `password: admin`, `secret: none`. */
const STAND_IN_VALUE = /^(?:x+|none|null|nil|undefined|empty|n\/a|na|string|str|required|optional|admin|root|user|guest|postgres|mysql|redis|pass|pwd|key|value|hunter2|qwerty\w*|asdf\w*|changeit|letmein|welcome1?|default|secret|password|token|tiger|masterkey|scott)$/i;
/** Words that mark a made-up value (`test-password-1`, `my-secret-token`), unless much else is left. */
const STAND_IN_WORDS = /test|fake|mock|sample|demo|dummy|lorem|ipsum|secret|passw(?:or)?d?|p[a@]ssw[o0]rd|token|changeit|letmein|welcome|default|todo|fixme|tbd|insert|enter|personal|access|secure|private|public|generated|random|abc123|xyz|deadbeef|(?<![a-z])(?:foo|bar|baz|qux|my|your|the|api|key|value|here|goes|super|local|dev|string)(?![a-z])/gi;

/** A stand-in word with little left around it: what remains is too short or too plain to be a key. */
function isStandIn(value: string): boolean {
  if (STAND_IN_VALUE.test(value)) return true;
  // `p%23ssword!`, `p@ssw0rd`: "password" spelt around a URL escape.
  if (/^p.?ss?w.?rd\W?$/i.test(value.replace(/%[0-9a-f]{2}/gi, '#'))) return true;
  const rest = value.replace(STAND_IN_WORDS, '');
  if (rest.length === value.length) return false;
  const core = rest.replace(/[^A-Za-z0-9]/g, '');
  return core.length < 12 || entropy(core) < 3.2;
}

const BOOLEAN_OR_NUMBER = /^(?:true|false|yes|no|on|off|enabled?|disabled?|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|0x[0-9a-f]{1,8})$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Password hashes and KDF outputs: `$2b$12$…`, `$argon2id$…`, `{SSHA}…`, Django `pbkdf2_sha256$…`. */
const PASSWORD_HASH = /^(?:\$2[abxy]?\$\d{2}\$|\$argon2(?:id|i|d)\$|\$[156]\$|\$y\$|\$scrypt\$|\{(?:SSHA|SHA|SMD5|CRYPT|SSHA256|SSHA512)\}|pbkdf2_sha\d+\$|sha\d+\$|md5\$)/;

/** Subresource-integrity and Nix/npm integrity digests. */
const SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}$|^sha(?:1|256|384|512):[0-9a-f]{40,128}$/;

/** Hex digest lengths: md5, sha1/git, sha224, sha256, sha384, sha512. */
const HASH_HEX_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);
/** Words on the line that say a hex value is a digest, not a key. */
const HASH_CONTEXT = /hash|sha\d*|md5|digest|checksum|integrity|fingerprint|etag|commit|revision|\brev\b|\bref\b|\bsum\b|crc|blob|version|nonce/i;
/**
 * A git tree (`tree 3f2a…`, `tree_sha`, `treeHash`, `TREE_ID`) as a word of its own: `tree` inside a
 * longer word is something else (`braintree_private_key` is Braintree's 32-hex key, not a digest).
 */
const TREE_CONTEXT = /(?<![A-Za-z])(?:tree|Tree|TREE)|(?<=[a-z])Tree/;
const hashContext = (text: string): boolean => HASH_CONTEXT.test(text) || TREE_CONTEXT.test(text);

/** Values that are names of other things: `process.env.X`, `settings.DB_PASSWORD`, `$DB_PASSWORD`. */
const REFERENCE = /aws4_request|process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|ENV\[|ENV\.fetch|System\.getenv|Environment\.GetEnvironmentVariable|config\.get|secrets\.|vars\.|env\.|Deno\.env|std::env|viper\.|\.Value\b/;
/** Secret-manager and vault references: `vault:secret/data/db#password`, `arn:aws:secretsmanager:…`. */
const SECRET_MANAGER_REFERENCE = /^(?:vault|arn|ssm|secretsmanager|awssm|azurekeyvault|akv|gcpsm|sm|op|ref|env|file|k8s|keyvault)(?::|\+)/i;
/** Includes count indexes of Terraform references (`random_password.db.0.result`). */
const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:(?:\.|::|->)(?:[A-Za-z_$][\w$]*|\d{1,4}(?=\.)))+(?:\(\))?$/;
const CALL = /^[A-Za-z_$][\w$.]*\(.*\)?$/;
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/** Letters and separators only, no digits: `my-app-credentials`, `dbPassword`, `SECRET_NAME`. */
const WORDS_ONLY = /^\p{L}+(?:[_.\- ]\p{L}+)*$/u;

const URL_WITHOUT_CREDENTIALS = /^[a-z][a-z0-9+.-]{1,20}:\/\/[^@\s]*$/i;
const FILE_PATH = /^(?:[A-Za-z]:\\|~\/|\.{1,2}[\/\\]|\/)[\w@.\/\\ -]*$|^[\w.-]+(?:\/[\w.-]+)*\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|json|ya?ml|txt|env|pub|gpg|asc|conf|cfg|ini|properties|xml|toml|war|jar|ear|zip|tgz|gz|tar|bz2|xz|7z|whl|deb|rpm|dmg|exe|dll|so|bin|img|iso|png|jpe?g|gif|svg|ico|webp|pdf|csv|log|sql|md|html?|css|[cm]?js|ts|py|sh)$/i;

/** Files where a bare word is an identifier, so an unquoted value is a variable, not a literal. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|java|kts?|cs|rb|php|swift|rs|scala|groovy|dart|c|cc|cpp|h|hpp|m|mm|lua|exs?|clj|vue|svelte|jl|r|fs|vb)$/i;

/** Paths whose generic values are stand-ins: examples, templates, tests and fixtures. */
const EXAMPLE_PATH = /(?:^|\/)(?:tests?|__tests__|specs?|testdata|test-data|fixtures?|__fixtures__|__mocks__|mocks?|examples?|samples?)(?:\/)|(?:^|\/)(?:examples?|samples?|templates?)[._-][^/]*$|\.(?:examples?|samples?|template|tmpl|dist|tpl)(?:\.[\w]+)?$|(?:^|\/)[^/]*(?:[._-](?:test|spec)s?\.[\w]+|_test\.go|^test_[^/]*\.py)$/i;

/** Names of values that look secret-like but are public or bookkeeping. */
const NON_SECRET_NAME = /(?:csrf|xsrf|page|next|continuation|cancellation|sync|cursor|refresh_?token_?url|token_?url|token_?endpoint|token_?type|token_?uri)[_-]?(?:token|key)?["']?\s*[:=]/i;

/** `publicKey`, `PRIMARY_KEY`, `cache_key`: keys that are not credentials. */
const NON_SECRET_KEY_NAME = /(?:public|publishable|pub|primary|foreign|partition|sort|cache|routing|idempotency|site|anon|map|hash|lookup|row|object|bucket|i18n|translation|locale|unique|index|ssh|gpg|pgp|verify|verification|recaptcha|registry|group|message|event|node|react|dedup|dedupe|s3|object_?store|vapid|default_?vapid)[_.-]?key["']?\s*(?:[:=(]|=>)/i;

// ---------------------------------------------------------------------------------------------
// Character statistics
// ---------------------------------------------------------------------------------------------

function entropy(value: string): number {
  return codePointEntropy(value);
}


/** Fewer than 5 distinct characters, or under 2.3 bits of entropy per character. */
function isLowEntropy(value: string): boolean {
  const bits = codePointEntropy(value);
  return entropyDistinct() < 5 || bits < 2.3;
}

/** Share of characters inside runs (≥ 4) of one repeated char or of consecutive codes (`1234`, `abcd`, `dcba`). */
export function sequentialShare(value: string): number {
  const length = value.length;
  if (length < 4) return 0;
  // One pass for the three steps (0, +1, -1); a position inside runs of two steps is counted once
  // (marked with this call's stamp in a reused array).
  if (marks.length < length) marks = new Uint32Array(Math.max(length, marks.length * 2));
  if (++stamp > 0xffffffff) {
    marks.fill(0);
    stamp = 1;
  }
  let covered = 0;
  let same = 0;
  let up = 0;
  let down = 0;
  for (let i = 1; i <= length; i++) {
    const diff = i < length ? value.charCodeAt(i) - value.charCodeAt(i - 1) : 2; // 2: every run ends
    if (diff !== 0) {
      if (i - same >= 4) covered += markRun(same, i);
      same = i;
    }
    if (diff !== 1) {
      if (i - up >= 4) covered += markRun(up, i);
      up = i;
    }
    if (diff !== -1) {
      if (i - down >= 4) covered += markRun(down, i);
      down = i;
    }
  }
  return covered / length;
}

/** `sequentialShare`'s scratch: position j is covered in the current call when marks[j] === stamp. */
let marks = new Uint32Array(256);
let stamp = 0;

/** Marks [start, end) covered; returns how many positions were not yet. */
function markRun(start: number, end: number): number {
  let added = 0;
  for (let j = start; j < end; j++) {
    if (marks[j] !== stamp) {
      marks[j] = stamp;
      added++;
    }
  }
  return added;
}

/** True when the value is one short unit repeated (`abcabcabc`, `1212121212`). */
function isRepeatedUnit(value: string): boolean {
  const length = value.length;
  for (let unit = 1; unit <= 4 && unit * 3 <= length; unit++) {
    let i = unit;
    while (i < length && value.charCodeAt(i) === value.charCodeAt(i - unit)) i++;
    if (i === length) return true;
  }
  return false;
}

function classes(value: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\d/, /[^\p{L}\d]/u].filter((re) => re.test(value)).length;
}

/** `${NAME:-value}`: the value is a shell/compose default inside an interpolation. */
function insideInterpolation(secret: string, line: string): boolean {
  const at = line.indexOf(secret);
  const open = line.lastIndexOf('${', at);
  return open !== -1 && !line.slice(open, at).includes('}') && line.indexOf('}', at) !== -1;
}

/** `privateKeyPkcs8`, `nextPageToken`: a camelCase name, not a random value (few digits, humps of one capital). */
const CAMEL_IDENTIFIER = /^[a-z]+(?:[A-Z][a-z0-9]+)+$/;

/**
 * `Ipv6CidrAssociations`, `NextMarker`: PascalCase words of three or more letters, vowels at an
 * English rate. Random tokens almost never read so; key names (`result_key`) often hold them.
 */
const PASCAL_WORDS = /^(?:[A-Z][a-z]{2,}\d{0,2}){2,}$/;

/** English words are about 40% vowels; random base62 about 16%. */
function isPascalWords(value: string): boolean {
  if (!PASCAL_WORDS.test(value)) return false;
  const letters = value.replace(/[^A-Za-z]/g, '');
  return (letters.match(/[aeiouy]/gi) ?? []).length / letters.length >= 0.3;
}

/** `google_oauth2_credentials`, `x-amz-content-sha256`: lower-case words joined by `_`/`-`, few digits. */
const SNAKE_IDENTIFIER = /^(?:\d{1,6}_)?[a-z]+\d{0,3}(?:[_-](?:[a-z]+|[A-Z]{1,4})\d{0,3})+$/;

/** `set_password('service', 'user', 'pw')`: the first of several call arguments is not the named value. */
function isFirstOfSeveralArguments(secret: string, line: string): boolean {
  const at = line.indexOf(secret);
  return at > 1 && /\(\s*["'`]$/.test(line.slice(0, at)) && /^["'`]\s*,/.test(line.slice(at + secret.length));
}

/** Mostly letters and no digit at all: `?NonExpressionParenEnd`, `Mot-de-passe`. */
function isWordy(value: string): boolean {
  if (/\d/.test(value)) return false;
  const letters = value.replace(/[^\p{L}]/gu, '').length;
  return letters / value.length >= 0.8 && letters < 40;
}

/** `x = value` with no quotes: in a code file that value is a variable or expression. */
function isBareAssignedValue(secret: string, line: string): boolean {
  const at = line.indexOf(secret);
  return at > 0 && /(?:[=:(,]|:=|=>)\s*$/.test(line.slice(0, at));
}

// ---------------------------------------------------------------------------------------------
// The filter table
// ---------------------------------------------------------------------------------------------

interface Context {
  secret: string;
  /** The secret without its documented prefix. */
  body: string;
  line: string;
  path: string;
  freeForm: boolean;
  generic: boolean;
  /** Detector id ('' for a bare value). */
  detectorId: string;
  /** The detector knows the value only by a provider name nearby (see `Detector.contextual`). */
  contextual?: boolean;
}

interface Filter {
  reason: string;
  /** Which detectors the filter applies to. */
  scope: 'all' | 'free-form' | 'generic';
  test: (c: Context) => boolean;
}

/**
 * Documentation, where generic `token: …` text is prose or an example, not configuration: by file
 * name (README, CHANGELOG, LICENSE…) and markup extension, never `.txt` as such (`credentials.txt`
 * and `notes.txt` hold real leaks; placeholders in them are judged by value).
 */
const DOCS_PATH = /(?:^|\/)(?:README|METADATA|PKG-INFO|CHANGELOG|CHANGES|HISTORY|NEWS|LICEN[CS]E|NOTICE|AUTHORS|CONTRIBUTORS|CONTRIBUTING|COPYING|THIRD[_-]PARTY[\w-]*)(?:\.[\w]+)?$|\.(?:md|mdx|rst|adoc)$/i;

const ASSIGNMENT_DETECTORS = new Set(['generic-password', 'generic-secret', 'generic-api-key', 'generic-key', 'generic-token']);

/** Minified bundles: generic names there are minifier output, not assignments a person wrote. */
function isMinifiedCode(c: Context): boolean {
  return c.line.length > 1000 && isBundlePath(c.path);
}

/** `arn:aws:secretsmanager:…:secret:MyDbSecret-a1b2c3`: the name of a stored secret, not its value. */
function isArnName(c: Context): boolean {
  const at = c.line.indexOf(c.secret);
  return at > 0 && /arn:aws[\w-]*:[\w-]*:[\w-]*:\d{0,12}:(?:secret|parameter|key)[:/]$/.test(c.line.slice(Math.max(0, at - 120), at));
}

/** `_parent_`, `__dash_callback__`: dunder- or underscore-wrapped names (not `_` + a random token). */
const UNDERSCORE_NAME = /^_{1,2}[A-Za-z][\w]*?_{0,2}$/;
// A random token may start with `_` too: mixed case with digits, or digits scattered in three or more runs
// (`_rriz…v9gm…s6lv0he_l3me8t5…`), which names (`_es2015_helpers`, `__v2_cache__`) do not have.
const isUnderscoreName = (value: string): boolean =>
  UNDERSCORE_NAME.test(value) && !(value.length >= 16 && /\d/.test(value) && ((/[A-Z]/.test(value) && /[a-z]/.test(value)) || (value.match(/\d+/g) ?? []).length >= 3));

/**
 * `settings.DB_PASSWORD`, `Foo::BAR`: names joined by dots. Not when a part is a long random run:
 * Vault `s.` + 24 base62, MailerSend `mlsn.` + 64 hex are tokens with a dotted prefix.
 */
function isDottedIdentifier(value: string): boolean {
  if (!DOTTED_IDENTIFIER.test(value)) return false;
  return !value.split(/\.|::|->/).some((part) => part.length >= 16 && /\d/.test(part) && /[A-Za-z]/.test(part) && !isIdentifierLike(part) && entropy(part) >= 3.5);
}

/** printf/format placeholders: `__attr_factory_%s`, `Bearer {}`, `token-{0}`. */
const FORMAT_PLACEHOLDER = /%[-+ #0]*\d*(?:\.\d+)?[sdifxXr]|\{\d*\}|\{[a-z_]+(?:![rsa])?(?::[^}]*)?\}|\$\d\b/;

/**
 * Secret Manager names such as `projects/*` paths, `bach/bwv1007/prelude`, `oauth:token-type:access_token`,
 * `#user-credentials`: lower-case words, numbers and wildcards joined by separators. Random keys
 * mix case and rarely split into such words. Not applied to passwords, which people make of words.
 */
function isWordPath(value: string): boolean {
  if (!/^[#*]?[a-z0-9*][a-z0-9*._:/#-]*$/.test(value) || !/[/:#*]/.test(value)) return false;
  const segments = value.split(/[-_./:#]+/).filter(Boolean);
  if (segments.length < 2) return false;
  return segments.every((s) => s === '*' || /^\d+$/.test(s) || (/^[a-z]+\d*$/.test(s) && (/[aeiouy]/.test(s) || s.replace(/\d+$/, '').length <= 4)));
}

/** `ZGVtbw==` (`demo`), `cGFzc3dvcmQ=` (`password`): a stand-in, base64-encoded. */
function isEncodedStandIn(value: string): boolean {
  if (value.length < 8 || value.length > 64 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) return false;
  const text = decoded.toString('utf8');
  return /^[\x20-\x7e]{3,}$/.test(text) && (STAND_IN_VALUE.test(text) || hasPlaceholderWord(text) || isStandIn(text) || (WORDS_ONLY.test(text) && text.length < 12));
}

/** SDK documentation: example JWTs in type declarations' doc comments and `*.examples.json`. */
function isSdkDocExample(c: Context): boolean {
  // Generic names in a type declaration's doc comment are prose (`* … encryption key, e.g. SGVs…`).
  if (c.generic && isTypeDeclarationPath(c.path) && /^\s*(?:\*|\/\/|\/\*\*)/.test(c.line)) return true;
  if (c.detectorId !== 'jwt') return false;
  return isSdkExamplesPath(c.path) || (isTypeDeclarationPath(c.path) && /^\s*(?:\*|\/\/|\/\*\*)/.test(c.line));
}

// ---------------------------------------------------------------------------------------------
// Path predicates
// ---------------------------------------------------------------------------------------------
// A filter reads a candidate's path only through these functions. History mode scans a blob once
// per *path profile* (src/workspace/path-profile.ts), keyed on PATH_PREDICATES: a filter that
// judged the path any other way would make two paths of one profile disagree, so a new path rule
// is a new predicate here, added to PATH_PREDICATES (test/unit/path-profile.test.ts checks both).

/** Code files (`.ts`, `.py`, `.go`…): an unquoted assigned value is a variable there. */
export function isCodePath(path: string): boolean {
  return CODE_FILE.test(path);
}

/** Examples, templates, tests and fixtures. */
export function isExamplePath(path: string): boolean {
  return EXAMPLE_PATH.test(path);
}

/** Documentation by name (README, CHANGELOG, LICENSE…) or markup extension. */
export function isDocsPath(path: string): boolean {
  return DOCS_PATH.test(path);
}

/** Files that minifiers write (`.js`, `.css`, source maps): judged as bundles when a line is very long. */
export function isBundlePath(path: string): boolean {
  return /\.(?:[cm]?js|css|map)$/i.test(path);
}

/** TypeScript type declarations (`.d.ts`, `.d.mts`, `.d.cts`). */
export function isTypeDeclarationPath(path: string): boolean {
  return /\.d\.[cm]?ts$/.test(path);
}

/** SDK example files (`*.examples.json`). */
export function isSdkExamplesPath(path: string): boolean {
  return /\.examples?\.json$/i.test(path);
}

/**
 * Every path predicate the filters read. Two paths on which all of them agree get the same verdict
 * (the same reason, or none) on every candidate.
 */
export const PATH_PREDICATES: readonly ((path: string) => boolean)[] = [isCodePath, isExamplePath, isDocsPath, isBundlePath, isTypeDeclarationPath, isSdkExamplesPath];

const FILTERS: Filter[] = [
  { reason: 'empty value', scope: 'all', test: (c) => c.secret.trim().length === 0 },
  { reason: 'documented example key', scope: 'all', test: (c) => DOCUMENTED_EXAMPLES.has(c.secret) },
  { reason: 'templating placeholder', scope: 'all', test: (c) => TEMPLATE.test(c.secret) },
  { reason: 'placeholder value', scope: 'all', test: (c) => hasPlaceholderWord(c.secret) },
  { reason: 'password hash', scope: 'all', test: (c) => PASSWORD_HASH.test(c.secret) },
  { reason: 'integrity digest', scope: 'all', test: (c) => SRI.test(c.secret) },
  { reason: 'boolean or number', scope: 'free-form', test: (c) => BOOLEAN_OR_NUMBER.test(c.secret) },
  { reason: 'reference to another value', scope: 'free-form', test: (c) => REFERENCE.test(c.secret) || SECRET_MANAGER_REFERENCE.test(c.secret) || isDottedIdentifier(c.secret) || CALL.test(c.secret) },
  { reason: 'environment variable name', scope: 'free-form', test: (c) => ENV_NAME.test(c.secret) },
  { reason: 'URL without credentials', scope: 'free-form', test: (c) => URL_WITHOUT_CREDENTIALS.test(c.secret) },
  { reason: 'file path', scope: 'free-form', test: (c) => FILE_PATH.test(c.secret) },
  {
    reason: 'repeated or sequential characters',
    scope: 'all',
    test: (c) => isRepeatedUnit(c.body) || sequentialShare(c.body) >= (c.freeForm ? 0.5 : 0.8),
  },
  { reason: 'placeholder value', scope: 'free-form', test: (c) => isStandIn(c.secret) },
  { reason: 'repeated or sequential characters', scope: 'free-form', test: (c) => /(.)\1{5,}/.test(c.secret) },
  { reason: 'user name repeated as password', scope: 'free-form', test: (c) => c.line.includes(`/${c.secret}:${c.secret}@`) },
  { reason: 'low entropy', scope: 'free-form', test: (c) => isLowEntropy(c.secret) },
  { reason: 'templating placeholder', scope: 'free-form', test: (c) => insideInterpolation(c.secret, c.line) },
  // Bitnami SealedSecrets `encryptedData` (always `Ag…`, hundreds of base64 chars) are safe to commit.
  { reason: 'encrypted value (SealedSecret)', scope: 'generic', test: (c) => /^Ag[A-D][A-Za-z0-9+/]{200,}={0,2}$/.test(c.secret) },
  { reason: 'UUID', scope: 'generic', test: (c) => UUID.test(c.secret) },
  {
    reason: 'hex digest',
    scope: 'all',
    test: (c) => (c.generic || c.contextual === true) && /^[0-9a-f]+$/i.test(c.secret) && HASH_HEX_LENGTHS.has(c.secret.length) && hashContext(c.line.replace(c.secret, '')),
  },
  // After `curl -u user:` the value is a password typed on a command line, never an identifier: a digit-less
  // `CC!qqyMKTG!-AdMWxW` is still a password there (placeholders and words are caught by the filters above).
  {
    reason: 'identifier, not a value',
    scope: 'generic',
    test: (c) => (WORDS_ONLY.test(c.secret) && (c.secret.length < 24 || classes(c.secret) < 3)) || (isWordy(c.secret) && !(c.detectorId === 'generic-curl-user' && classes(c.secret) >= 3)),
  },
  { reason: 'identifier, not a value', scope: 'generic', test: (c) => SNAKE_IDENTIFIER.test(c.secret) },
  { reason: 'identifier, not a value', scope: 'generic', test: (c) => c.detectorId === 'generic-key' && isPascalWords(c.secret) },
  { reason: 'argument of a call, not the named value', scope: 'generic', test: (c) => isFirstOfSeveralArguments(c.secret, c.line) },
  {
    reason: 'identifier, not a value',
    scope: 'generic',
    test: (c) => CAMEL_IDENTIFIER.test(c.secret) && (c.secret.match(/\d/g) ?? []).length <= 2 && isBareAssignedValue(c.secret, c.line),
  },
  {
    reason: 'variable in code, not a literal',
    scope: 'generic',
    test: (c) => isCodePath(c.path) && isBareAssignedValue(c.secret, c.line),
  },
  { reason: 'public or bookkeeping key name', scope: 'generic', test: (c) => c.generic && NON_SECRET_KEY_NAME.test(c.line.slice(0, Math.max(0, c.line.indexOf(c.secret)))) },
  { reason: 'bookkeeping token name', scope: 'generic', test: (c) => NON_SECRET_NAME.test(c.line.slice(0, Math.max(0, c.line.indexOf(c.secret)))) },
  { reason: 'example, test or template file', scope: 'generic', test: (c) => isExamplePath(c.path) },
  // Only the loose name-based detectors: an `Authorization: Bearer …` header in a README is a real token.
  { reason: 'documentation', scope: 'generic', test: (c) => ASSIGNMENT_DETECTORS.has(c.detectorId) && isDocsPath(c.path) },
  { reason: 'minified code', scope: 'generic', test: isMinifiedCode },
  { reason: 'name of a stored secret (ARN)', scope: 'free-form', test: isArnName },
  { reason: 'identifier, not a value', scope: 'generic', test: (c) => isUnderscoreName(c.secret) },
  { reason: 'SDK documentation example', scope: 'all', test: isSdkDocExample },
  { reason: 'placeholder value (base64-encoded)', scope: 'free-form', test: (c) => isEncodedStandIn(c.secret) },
  // `pkg.module:Class` in setup.cfg / .ini entry points.
  { reason: 'entry point, not a value', scope: 'generic', test: (c) => /^[a-z_]\w*(?:\.[a-z_]\w*)+:[A-Za-z_][\w.]*$/.test(c.secret) },
  // `adduser --disabled-password --no-create-home`: the next flag is not the value.
  { reason: 'command-line flag, not a value', scope: 'generic', test: (c) => /^--?[a-z][a-z0-9-]*$/.test(c.secret) },
  { reason: 'class definition, not a value', scope: 'generic', test: (c) => /^\s*class\s+\w+\s*\(/.test(c.line) },
  // `"/v1/accounts:resetPassword"`, `"identitytoolkit#VerifyCustomTokenResponse"`: API paths and type names.
  { reason: 'API path or type name, not a value', scope: 'generic', test: (c) => /^\/[A-Za-z0-9_./:-]+$/.test(c.secret) && /[A-Za-z]{4}/.test(c.secret) && !/\d{4}/.test(c.secret) },
  // `java.util.List#add`, `Foo.bar#Baz2`: names carry few digits; `sk_4gXnZgDedtS9F0#I0ATNhnySU_9e1` is a key with a `#` in it.
  { reason: 'API path or type name, not a value', scope: 'generic', test: (c) => /^[a-z][\w.]*#[A-Za-z]\w+$/.test(c.secret) && c.secret.replace(/\D/g, '').length <= 2 },
  // Mapbox `pk.eyJ…` tokens are public by design (secret ones are `sk.`).
  { reason: 'public token (Mapbox pk.)', scope: 'generic', test: (c) => /^pk\.eyJ/.test(c.secret) },
  // `getCloudflareZone`, `Oauth2ClientSecret`, `Resource$Projects$Credentials`: names, not keys.
  { reason: 'identifier, not a value', scope: 'all', test: (c) => (c.contextual === true || (c.generic && c.detectorId !== 'generic-password')) && isIdentifierLike(c.secret) },
  { reason: 'format string', scope: 'free-form', test: (c) => FORMAT_PLACEHOLDER.test(c.secret) },
  { reason: 'resource path or name, not a value', scope: 'generic', test: (c) => c.detectorId !== 'generic-password' && isWordPath(c.secret) },
];

/**
 * Returns the reason a candidate is not a real secret (placeholder, reference, documented example,
 * hash, UUID, low entropy…), or undefined when it should be reported. Filters that would drop a real
 * structured token ("looks like an identifier", UUIDs, hex digests) apply only to generic and
 * free-form detectors.
 */
export function falsePositiveReason(candidate: Candidate): string | undefined {
  const { detector, secret, line, path } = candidate;
  const prefix = detector.redactPrefix;
  return firstReason({
    secret,
    body: prefix && secret.startsWith(prefix) ? secret.slice(prefix.length) : secret,
    line,
    path,
    freeForm: isFreeForm(detector),
    generic: isGenericDetector(detector),
    detectorId: detector.id,
    contextual: detector.contextual ?? isNearPattern(detector.pattern),
  });
}

/**
 * The free-form filters on a bare value, for detectors that decode before judging (a base64
 * Kubernetes `data` value, an `.npmrc` `_password`): is `YWRtaW4=` really just `admin`?
 */
export function freeFormValueReason(value: string): string | undefined {
  return firstReason({ secret: value, body: value, line: value, path: '', freeForm: true, generic: false, detectorId: '' });
}

function firstReason(context: Context): string | undefined {
  for (const filter of FILTERS) {
    if (filter.scope === 'free-form' && !context.freeForm) continue;
    if (filter.scope === 'generic' && !context.generic) continue;
    if (filter.test(context)) return filter.reason;
  }
  return undefined;
}

/** Lock files hold integrity hashes and URLs, never secrets worth a finding. */
export function isLockFile(path: string): boolean {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|packages\.lock\.json|gradle\.lockfile|bun\.lockb?|uv\.lock)$/.test(path);
}
