import type { Detector } from '../detector.js';
import { hasBase62Crc32 } from './checksum.js';
import { at, lower, near, token } from './shapes.js';

const CLOUDSMITH_WORDS = ['cloudsmith'];

/** Package registries: npm, PyPI, RubyGems, NuGet, Docker Hub, crates.io, Clojars, Packagist, Cloudsmith, Gradle. */
export const registryDetectors: Detector[] = [
  {
    // npm granular / automation / publish tokens: `npm_` + 36 base62, last 6 = base62 CRC32 of the
    // first 30 (same scheme as GitHub).
    id: 'npm-access-token',
    title: 'npm access token',
    provider: 'npm',
    level: 'error',
    keywords: ['npm_'],
    pattern: token('npm_[0-9A-Za-z]{36}'),
    validate: (secret) => hasBase62Crc32(secret, 'npm_'),
    redactPrefix: 'npm_',
    samples: {
      positive: [
        at('//registry.npmjs.org/:_authToken=§', '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', '.npmrc'),
        at('NPM_TOKEN=§', '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'),
        at('      NODE_AUTH_TOKEN: §', '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', '.github/workflows/publish.yml'),
      ],
      negative: ['NPM_TOKEN=npm_FcHZEKO32B37vqLiVgt8h8RJX4W8b434NLhA', 'NPM_TOKEN=npm_Zvevf3NotpOl5ixaq8Hp', 'run: npm_config_cache=/tmp/.npm npm ci'],
    },
  },
  {
    // PyPI API token: a macaroon, `pypi-` + base64url starting `AgEIcHlwaS5vcmc` ("…pypi.org").
    id: 'pypi-upload-token',
    title: 'PyPI API token',
    provider: 'PyPI',
    level: 'error',
    keywords: ['pypi-ageichlwas5vcmc'],
    pattern: token('pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_\\-]{50,1000}'),
    entropy: 4,
    redactPrefix: 'pypi-',
    samples: {
      positive: [
        at('password = §', 'pypi-AgEIcHlwaS5vcmcQHQ_0dEqxFr6oCWUWpAlo5IaTHC81ELM9zdBhZy8hmDEx9pN65cyTKyk6JgrcM-gdlk9VbDt666nhbCOMOpqL2W3r8FAesxlTAc6zgSAcZ9fiDxdBbCEgB_vMPQntG3C7BSPu-uMw5fcmw0lrpDf_w1aHQzpUnZt', '.pypirc'),
        at('TWINE_PASSWORD=§', 'pypi-AgEIcHlwaS5vcmcCJJM9K_MpzAScnS-k6mjd9MpDy11Mzf7cAYebC4ZRhXp62IuYtFbKNorqBt6GE8IQoXLd0WpNaJ6uAJ1jfAICZQcpbr2vIAJiTkhtr8TS2NnvAao9N7RPvMiGCztKg85psRCmeMvzCozE6'),
      ],
      negative: ['TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcQon1F8A7PlwJgesBTIjn', 'TWINE_PASSWORD=pypi-dRbQC8L5koVT2epRIwQX539ON0gON22bPRmd_FMOZmgw5e_-oqB9bRnRaaDR1pBzuKx3OXs5TSzpZSKn8ePO3a4QIbV5HkzitJ70dR7K7HlfkYE9kk8U0BekU-G-cZWfUObNqulkAickIzZt25Toe8Ui-lzTr6TP'],
    },
  },
  {
    // TestPyPI API token: same macaroon shape for test.pypi.org (`AgENdGVzdC5weXBpLm9yZw`).
    id: 'testpypi-upload-token',
    title: 'TestPyPI API token',
    provider: 'PyPI',
    level: 'warning',
    keywords: ['pypi-agendgvzdc5wexbplm9yzw'],
    pattern: token('pypi-AgENdGVzdC5weXBpLm9yZw[0-9A-Za-z_\\-]{50,1000}'),
    entropy: 4,
    redactPrefix: 'pypi-',
    samples: {
      positive: [
        at('password = §', 'pypi-AgENdGVzdC5weXBpLm9yZw5M_w0p-YVsZAlspXTv59ZHWWYR3Il8wYpw4fDqsHdtNwbvFIRRUmc1wkhBfQPr86vb_c-WGa9anjTZoeG-CvAy0x7K-aM4STdQovAd85utEV9cW8V1w30nhKiTR-pYDHwRlcUR6fCAuVRdgpyjNnq5', '.pypirc'),
        at('  TWINE_PASSWORD: "§"', 'pypi-AgENdGVzdC5weXBpLm9yZwIwMOMdULme-KWQ8fBG0Ldn6D9kzJzwrJlhNWirt461A6V6vUNj7xey49STLMPKyXLd71xZzmWySH4siksaSnyHSfLvuS-z6I0poE-hmrPwMBjfr9yQLCcw1XajWcUKMA6_SBJ4g4Yrt8i', 'ci.yml'),
      ],
      negative: ['TWINE_PASSWORD=pypi-AgENdGVzdC5weXBpLm9yZwl2NUuHrS46', 'TWINE_REPOSITORY=testpypi'],
    },
  },
  {
    // RubyGems API key: `rubygems_` + 48 hex.
    id: 'rubygems-api-key',
    title: 'RubyGems API key',
    provider: 'RubyGems',
    level: 'error',
    keywords: ['rubygems_'],
    pattern: token('rubygems_[0-9a-f]{48}'),
    entropy: 3.2,
    redactPrefix: 'rubygems_',
    samples: {
      positive: [at(':rubygems_api_key: §', 'rubygems_887f6c8af025282378e190d833f7c2f768e86da4725f4762', '.gem/credentials'), at('GEM_HOST_API_KEY=§', 'rubygems_c1e75bc0e9058c75b89f1fe338f749c0253d8bdb5e6a6b17')],
      negative: ['GEM_HOST_API_KEY=rubygems_917c55bfed92fd67fe0adfe7a881525adb3e166b', 'GEM_HOST_API_KEY=rubygems_9b4e991adb32c84cd983226f86d6c39e84cf27974c0bd8880'],
    },
  },
  {
    // NuGet.org API key: `oy2` + 43 lower-case base32-ish characters.
    id: 'nuget-api-key',
    title: 'NuGet API key',
    provider: 'NuGet',
    level: 'error',
    keywords: ['oy2'],
    pattern: token('oy2[a-z0-9]{43}'),
    entropy: 3.5,
    redactPrefix: 'oy2',
    samples: {
      positive: [
        at('dotnet nuget push pkg.nupkg --api-key § --source https://api.nuget.org/v3/index.json', 'oy2013aand7ro1crojfz8sqsheg02ojlzee8m6mk078hrb'),
        at('NUGET_API_KEY=§', 'oy2cxye21w19jakofxihakaknhllb3t5mizln6ljyjj9yj'),
      ],
      negative: ['NUGET_API_KEY=oy22ekwb5nb11xof0x9fuqw8rn5b8vp66', 'NUGET_API_KEY=oy224jbtaxy6j4kpaynwf79c4y915hj89l2np3p8vg64rg4su'],
    },
  },
  {
    // Docker Hub personal access token: `dckr_pat_` + 27 base64url.
    id: 'dockerhub-pat',
    title: 'Docker Hub personal access token',
    provider: 'Docker Hub',
    level: 'error',
    keywords: ['dckr_pat_'],
    pattern: token('dckr_pat_[0-9A-Za-z_\\-]{27}'),
    entropy: 3.5,
    redactPrefix: 'dckr_pat_',
    samples: {
      positive: [at('DOCKERHUB_TOKEN=§', 'dckr_pat_gWqm1I0kquK8jwSoyQJNqzWC7MY'), at('echo "§" | docker login -u acmebot --password-stdin', 'dckr_pat_3HNDArZZb24vBeXyBdIwNyMNwwX')],
      negative: ['DOCKERHUB_TOKEN=dckr_pat_wex-IscIX-Q9qvYT6uOq', 'DOCKERHUB_TOKEN=dckr_pat_x6TECwZoN-EyxhEPHuho9Y06P32cbTJf'],
    },
  },
  {
    // Docker Hub organization access token: `dckr_oat_` + 32 base64url.
    id: 'dockerhub-org-access-token',
    title: 'Docker Hub organization access token',
    provider: 'Docker Hub',
    level: 'error',
    keywords: ['dckr_oat_'],
    pattern: token('dckr_oat_[0-9A-Za-z_\\-]{32}'),
    entropy: 3.5,
    redactPrefix: 'dckr_oat_',
    samples: {
      positive: [at('DOCKER_ORG_TOKEN=§', 'dckr_oat_Nih7KNlhsnqHu80tX60LRC2nEXE_3xRm'), at('  password: §', 'dckr_oat_cfZygHM-J9iefsFSGo-VoeMYaNlGe6fX', 'registry.yml')],
      negative: ['DOCKER_ORG_TOKEN=dckr_oat_5ICl3blTDmyUdM3i9BM_', 'DOCKER_ORG_TOKEN=dckr_oat_myJpx32dFQRtEFdNgt5O18d4QU8qTEVGjjDY7Q2w'],
    },
  },
  {
    // crates.io API token: `cio` + 32 base62.
    id: 'crates-io-api-token',
    title: 'crates.io API token',
    provider: 'crates.io',
    level: 'error',
    keywords: ['cio'],
    pattern: token('cio[0-9A-Za-z]{32}'),
    entropy: 3.8,
    redactPrefix: 'cio',
    samples: {
      positive: [at('CARGO_REGISTRY_TOKEN=§', 'ciokKGdEcoptSNUOf3eIoEMbz9XU7ekSa2h'), at('token = "§"', 'cionvUKdgw7bzLxDjlrwscp2TZpzjQlH9BM', '.cargo/credentials.toml')],
      negative: ['CARGO_REGISTRY_TOKEN=cioC3K50VytRE8aZ5Jq8Mez', 'let precious = "cioUIynWqNYJ7sGO8TEZnlm2qyMSOtTkuNix";'],
    },
  },
  {
    // Clojars deploy token: `CLOJARS_` + 60 lower-case alphanumerics.
    id: 'clojars-deploy-token',
    title: 'Clojars deploy token',
    provider: 'Clojars',
    level: 'error',
    keywords: ['clojars_'],
    pattern: token('CLOJARS_[0-9a-z]{60}'),
    entropy: 3.5,
    redactPrefix: 'CLOJARS_',
    samples: {
      positive: [at('CLOJARS_PASSWORD=§', 'CLOJARS_f83ecpeyhkhujyunf0qyj5a2pe0wc3zl7g6d6xh8l5msupvdh4w8z2z2ag4o'), at('{:username "acme" :password "§"}', 'CLOJARS_porjm6otxy69tuobm4h5c72ittflqnpng3a4grmzf9vkzdjszz6nsnzv2v6r', 'profiles.clj')],
      negative: ['CLOJARS_PASSWORD=CLOJARS_drg0tzbsa57k7h7lgzlt8sembfwh6h', 'CLOJARS_USERNAME=acme'],
    },
  },
  {
    // Packagist API token: `packagist_` + `ou`/`ut`/`or`… kind + `_` + 68 hex.
    id: 'packagist-token',
    title: 'Packagist API token',
    provider: 'Packagist',
    level: 'error',
    keywords: ['packagist_'],
    pattern: token('packagist_[ou][ru]t_[0-9a-f]{68}'),
    entropy: 3.2,
    redactPrefix: 'packagist_',
    samples: {
      positive: [at('PACKAGIST_TOKEN=§', 'packagist_out_1df935a3fad085233a8512c92c295c5cd44982f67275386f309458ca0d3538907bd4'), at('"token": "§"', 'packagist_ort_0b99daaf4488bafd587cd091415ad784ad6a1a8c1b97fab1b535024e375540e59cfc', 'auth.json')],
      negative: ['PACKAGIST_TOKEN=packagist_out_27e49428e0c65c37eb01c0ba286d49741fe6f7a8', 'PACKAGIST_TOKEN=packagist_abc_527c58e74f036991301c9cc007670aba0654665d73fc1cb8dcf62e7f609be9f9247f'],
    },
  },
  {
    // Cloudsmith API key: 40 lower-case hex next to a Cloudsmith name.
    id: 'cloudsmith-api-key',
    title: 'Cloudsmith API key',
    provider: 'Cloudsmith',
    level: 'error',
    keywords: lower(CLOUDSMITH_WORDS),
    pattern: near(CLOUDSMITH_WORDS, '[0-9a-f]{40}'),
    entropy: 3.2,
    samples: {
      positive: [at('CLOUDSMITH_API_KEY=§', 'e3c49f3c996e43f6b0e846c095aa6c5f2b3abf9b'), at('cloudsmith push deb acme/repo pkg.deb -k §', 'd3642131722ad4e5046ac613f14eea9d7af6d45b')],
      negative: ['CLOUDSMITH_API_KEY=5584aac0052a0405eb72a63b6d913348', 'CLOUDSMITH_REPO=acme/main'],
    },
  },
  {
    // Gradle Plugin Portal publishing key/secret: 32 base62 in gradle.properties.
    id: 'gradle-plugin-portal-key',
    title: 'Gradle Plugin Portal publish key',
    provider: 'Gradle',
    level: 'error',
    keywords: ['gradle.publish.'],
    pattern: /gradle\.publish\.(?:key|secret)\s{0,5}[=:]\s{0,5}(?<secret>[0-9A-Za-z]{32})(?![0-9A-Za-z])/,
    entropy: 3.8,
    samples: {
      positive: [at('gradle.publish.key=§', 'q2qIUeunkoxDtu89ZSTVcdjK52LY2D0h', 'gradle.properties'), at('gradle.publish.secret = §', 'Sa5wYdDslPP2M0sVkh6CBSSezW2xSBRr', 'gradle.properties')],
      negative: [{ text: 'gradle.publish.key=vyap368d1nidVwZJXS4S', path: 'gradle.properties' }, 'gradle.publish.key=${GRADLE_KEY}'],
    },
  },
];
