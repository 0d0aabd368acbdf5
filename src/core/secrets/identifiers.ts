/**
 * Does a value read as a name a person wrote (a function, constant, enum member or generated type
 * name) rather than a random key? Used on values that only a provider's name nearby identifies
 * (`contextual` detectors) and on generic assignments. Random base62 keys have few vowels (about
 * one letter in five) and digits scattered inside their "words"; identifiers are whole words.
 */

const VOWELS = /[aeiouy]/gi;

function vowelShare(letters: string): number {
  return letters.length === 0 ? 0 : (letters.match(VOWELS) ?? []).length / letters.length;
}

/** `getCloudflareZone`, `Oauth2ClientSecret`, `NextPageToken2`: humps of a capital and lower-case letters, digits only at a hump's end. */
const CAMEL_OR_PASCAL = /^[A-Za-z][a-z]+\d{0,2}(?:(?:[A-Z][a-z]{2,}|[A-Z]{2,4}(?=[A-Z][a-z]|\d|$))\d{0,2})+$/;
/** `CLOUDFLARE_API_TOKEN_VARIABLE`, `circle_build_url`: words joined by `_`, `-` or `.`. */
const JOINED_WORDS = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,2}(?:[_.-](?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d{0,2})+$/;

/** A word a person could say: a vowel (or a short acronym), and no run of four consonants. */
function pronounceable(word: string): boolean {
  const letters = word.replace(/\d+$/, '');
  if (/^[A-Z]{2,4}$/.test(letters)) return true;
  return /[aeiouy]/i.test(letters) && !/[^aeiouy]{4,}/i.test(letters);
}
/**
 * Two consonants that open English words (`cl`oud, `st`ate, `ps`ql); a word that opens with two
 * others (`mx`os, `nl`aqps, `vp`ci) is seldom one, except a short acronym written as a word (`Jwt`,
 * `Npm`).
 */
const ONSETS = new Set(['bl', 'br', 'ch', 'cl', 'cr', 'dr', 'dw', 'fl', 'fr', 'gh', 'gl', 'gn', 'gr', 'kl', 'kn', 'kr', 'ph', 'pl', 'pn', 'pr', 'ps', 'rh', 'sc', 'sh', 'sk', 'sl', 'sm', 'sn', 'sp', 'sq', 'st', 'sv', 'sw', 'th', 'tr', 'ts', 'tw', 'wh', 'wr']);

/** Words (a capital and lower-case letters, or lower-case only) that open with two consonants English words do not open with. */
function oddOnsets(words: readonly string[]): number {
  let odd = 0;
  for (const word of words) {
    if (!/^[A-Z]?[a-z]+\d*$/.test(word)) continue; // an acronym hump spells letters, not a syllable
    const onset = word.slice(0, 2).toLowerCase();
    if (/^[^aeiouy][^aeiouy]$/.test(onset) && !ONSETS.has(onset)) odd++;
  }
  return odd;
}

/** `Resource$Projects$Locations$Credentials`: generated names joined with `$`. */
const DOLLAR_JOINED = /^\$?[A-Za-z][A-Za-z0-9]*(?:\$[A-Za-z][A-Za-z0-9]*)+$/;

export function isIdentifierLike(value: string): boolean {
  if (DOLLAR_JOINED.test(value)) return true;
  // Under 16 characters a random base62 value reads as camelCase words too often to tell them apart.
  if (value.length < 16) return false;
  if (CAMEL_OR_PASCAL.test(value) || JOINED_WORDS.test(value)) {
    const words = value.split(/[_.-]|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
    const letters = value.replace(/[^A-Za-z]/g, '');
    // Every word must be pronounceable-ish: English spelling runs about 40 % vowels, base62 about 20 %.
    if (!(words.length >= 2 && vowelShare(letters) >= 0.28 && words.every((w) => w.replace(/\d+$/, '').length >= 2 && pronounceable(w)))) return false;
    // Humps only (no `_.-`): a person's name has at most one number, mostly lower-case letters and
    // few acronyms (`getURLForID`); a random base62 value that happens to parse as humps
    // (`OaCA84TJ9LM5ISK2`, `WulxIW6LLYitreusUYKZ`) has half its letters upper-case and digits in
    // several places. Without this, about 1 random 16-character key in 2,000 read as a name. Nor
    // do three or more of its words open with consonants no English word opens with
    // (`mxosOAXVIdeeNlaqpsXpgeOfdYamVpci`, a random 32-character key a CI run drew).
    if (/[_.-]/.test(value)) return true;
    const digitGroups = value.match(/\d+/g)?.length ?? 0;
    const upper = letters.replace(/[^A-Z]/g, '').length;
    const acronyms = value.match(/[A-Z]{2,}/g)?.length ?? 0;
    return digitGroups <= 1 && upper * 2 <= letters.length && acronyms <= 2 && oddOnsets(words) < 3;
  }
  return false;
}
